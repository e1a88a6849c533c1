import Testing
@testable import Tina4

/// Matching decoded segments: literal routes match segment for segment.
@MainActor @Suite struct RouteTableTests {
    static func table() -> RouteTable {
        let routes = RouteTable()
        routes.get("/api/ws-token") { _, response in response.text("token") }
        routes.get("/files/{name}") { _, response in response }
        routes.get("/rest/{tail:path}") { _, response in response }
        routes.websocket("/ws/echo") { _, _, _ in }
        routes.websocket("/ws/chat/{room}") { _, _, _ in }
        return routes
    }

    static func found(_ match: RouteTable.HTTPMatch) -> [String: String]? {
        if case .found(_, let params) = match { params } else { nil }
    }

    @Test func webSocketPatternsListsLiteralAndPatternedRoutes() {
        #expect(Self.table().webSocketPatterns == ["/ws/chat/{room}", "/ws/echo"])
        #expect(RouteTable().webSocketPatterns.isEmpty)
    }

    @Test func literalHTTPRoutesMatchSegmentBySegment() {
        let routes = Self.table()
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["api", "ws-token"])) == [:])
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["api/ws-token"])) == nil)
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["api", "ws-token", ""])) == nil)
        if case .notFound = routes.matchHTTP(method: "GET", segments: ["api/ws-token"]) {} else {
            Issue.record("a decoded 'api/ws-token' segment matched the two-segment route")
        }
    }

    @Test func literalWebSocketRoutesMatchSegmentBySegment() {
        let routes = Self.table()
        #expect(routes.matchWebSocket(segments: ["ws", "echo"])?.endpoint.route == "/ws/echo")
        #expect(routes.matchWebSocket(segments: ["ws/echo"]) == nil)
        #expect(routes.matchWebSocket(segments: ["ws", "chat", "a/b"])?.params == ["room": "a/b"])
        #expect(routes.matchWebSocket(segments: ["ws/chat", "a"]) == nil)
    }

    @Test func aParameterKeepsAnEncodedSlashInsideIt() {
        let routes = Self.table()
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["files", "a/b"])) == ["name": "a/b"])
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["files", "a", "b"])) == nil)
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["rest", "a", "b"])) == ["tail": "a/b"])
    }

    @Test func aTrailingSlashAndRepeatedSlashesDoNotMatterInPatterns() {
        let routes = RouteTable()
        routes.get("/a//b/") { _, response in response }
        #expect(Self.found(routes.matchHTTP(method: "GET", segments: ["a", "b"])) == [:])
    }
}
