import Testing
@testable import Tina4

@Suite struct CanonicalPathTests {
    @Test("a path as written and its canonical form", arguments: [
        ("/ws/chat/a", "/ws/chat/a"),
        ("/ws/chat/%61", "/ws/chat/a"),
        ("//ws///chat/a/", "/ws/chat/a"),
        ("/ws/chat/a%2Fb", "/ws/chat/a%2Fb"),
        ("/ws/chat/a%2fb", "/ws/chat/a%2Fb"),
        ("/ws/chat/my%20room", "/ws/chat/my room"),
        ("/ws/chat/my room", "/ws/chat/my room"),
        ("/ws/chat/100%25", "/ws/chat/100%25"),
        ("/ws/chat/100%", "/ws/chat/100%25"),          // not valid percent-encoding: taken as written
        ("/ws/chat/caf%C3%A9", "/ws/chat/café"),
        ("/ws/chat/%FF", "/ws/chat/%25FF"),             // decodes to invalid UTF-8: taken as written
        ("/", "/"),
        ("", "/"),
    ])
    func canonicalForm(_ written: String, _ canonical: String) {
        #expect(CanonicalPath.of(written) == canonical)
        #expect(CanonicalPath.of(canonical) == canonical, "canonical paths are fixed points")
    }

    @Test func decodedSegmentsEscapeOnlyPercentAndSlash() {
        #expect(CanonicalPath.from(segments: ["ws", "files", "a/b", "50%", "x y", "ü?#"]) == "/ws/files/a%2Fb/50%25/x y/ü?#")
        #expect(CanonicalPath.from(segments: []) == "/")
    }

    @Test func differentSegmentsNeverShareACanonicalPath() {
        // One segment "a/b" and two segments "a", "b" are different rooms.
        #expect(CanonicalPath.from(segments: ["a/b"]) != CanonicalPath.from(segments: ["a", "b"]))
        #expect(CanonicalPath.from(segments: ["a%2Fb"]) != CanonicalPath.from(segments: ["a/b"]))
    }

    @MainActor @Test func routerHubIsTheHubOfItsRoutesAndOfAServerServingThem() {
        #expect(Router.hub === Router.routes.hub)
        #expect(Server().hub === Router.hub)
        let routes = RouteTable()
        #expect(Server(routes: routes).hub === routes.hub)
        #expect(routes.hub !== Router.hub)
    }
}
