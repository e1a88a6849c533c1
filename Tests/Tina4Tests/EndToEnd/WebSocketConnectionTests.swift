import Testing
@testable import Tina4
import Tina4TestSupport

/// Promises the route API makes about a connection: who a `.close` broadcast reaches, what ids
/// look like, and what a throwing handler leaves in the log.
@Suite(.serialized) struct WebSocketConnectionTests {
    typealias Journal = WebSocketServerTests.Journal

    @Test func whileCloseRunsTheClosingConnectionNeitherCountsNorReceivesBroadcasts() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: journal) }
        defer { server.stopNow() }
        let port = await server.port
        let base = await server.base
        let (closingWire, ended, othersGot) = try await offMain { () -> ([UInt8], Bool, [String]) in
            let others = try (0..<2).map { _ in try WebSocketClient(url: base + "/ws/leave") }
            let closing = try RawWebSocket(port: port, path: "/ws/leave")
            try closing.send(rawFrame(8, [0x03, 0xE8]))
            let (wire, ended) = closing.readToEnd()
            return (wire, ended, try others.map { try $0.receiveText() })
        }
        // On the closing client's wire: the close echo, nothing after it, then EOF.
        #expect(closingWire == WebSocketFrameEncoder.close(code: .normal))
        #expect(ended)
        #expect(othersGot == ["left count=2", "left count=2"])
        await journal.wait(for: "leave")
        let line = await journal.lines.first { $0.hasPrefix("leave") } ?? ""
        #expect(line.hasSuffix("count=2 delivered=2 listed=false"))
    }

    @Test func idsAreURLSafeAndUniqueOverManyConnections() async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: Journal()) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/fail/ids"
        let ids = try await offMain {
            try (0..<100).map { _ in
                let client = try WebSocketClient(url: url)
                defer { client.disconnect() }
                return try client.receiveText()
            }
        }
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(ConnectionIDTests.isURLSafeID(id), "\(id)") }
    }

    @Test func aThrowingHandlerIsLoggedWithRouteConnectionAndErrorAndOnlyItsConnectionCloses() async throws {
        let lines = LogLines()
        let server = try await MainActor.run {
            try WebSocketServerTests.start(journal: Journal(), log: lines.log(minimum: .warn))
        }
        defer { server.stopNow() }
        let base = await server.base
        let (id, code, replies) = try await offMain { () -> (String, UInt16?, [String]) in
            let bystander = try WebSocketClient(url: base + "/ws/fail/lobby")
            _ = try bystander.receiveText()
            let client = try WebSocketClient(url: base + "/ws/fail/lobby")
            let id = try client.receiveText()
            try bystander.send(text: "before")
            let before = try bystander.receiveText()
            try client.send(text: "throw")
            let code = try client.expectClose()
            try bystander.send(text: "after")
            return (id, code, [before, try bystander.receiveText()])
        }
        #expect(code == 1011)
        #expect(replies == ["Echo: before", "Echo: after"])
        let failures = lines.all.filter { $0.contains("handler failed") }
        #expect(failures.count == 1)
        let line = failures.first ?? ""
        #expect(line.contains(" ERROR "))
        #expect(line.contains("/ws/fail/{room}"))
        #expect(line.contains("conn=\(id)"))
        #expect(line.contains("boom in room lobby"))
    }
}

@Suite struct ConnectionIDTests {
    /// 15 characters of the URL-safe base64 alphabet, no padding.
    static func isURLSafeID(_ id: String) -> Bool {
        id.utf8.count == 15 && id.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    @Test func everyIdIsFifteenURLSafeCharactersAndNoneRepeatOverManyThousands() {
        let ids = (0..<20_000).map { _ in ConnectionID.make() }
        #expect(ids.allSatisfy(Self.isURLSafeID))
        #expect(Set(ids).count == ids.count)
        // All 64 characters turn up: the generator really is base64url, not a narrower set.
        #expect(Set(ids.joined()).count == 64)
    }

    @Test func theCheckRejectsWhatIsNotAnId() {
        for bad in ["abc", "AAAAAAAAAAAAAA+", "AAAAAAAAAAAAAA/", "AAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAA é"] {
            #expect(!Self.isURLSafeID(bad), "\(bad)")
        }
    }
}
