import Testing
@testable import Tina4

/// What the server does with the last bytes of a connection: frames that precede a violation in
/// the same read, and replies still queued when the client half-closes (FIN).
@Suite(.serialized) struct WebSocketEndOfStreamTests {
    typealias Journal = WebSocketServerTests.Journal

    @Test func aMessageBeforeABadFrameInTheSameReadIsHandledThenTheCloseSent() async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: Journal()) }
        defer { server.stopNow() }
        let port = await server.port
        let (events, ended) = try await offMain { () -> ([WebSocketFrameEvent], Bool) in
            let raw = try RawWebSocket(port: port, path: "/ws/mirror")
            // One write: masked "hello", a ping, then a frame with reserved opcode 5.
            try raw.send(rawFrame(1, utf8("hello"), mask: [1, 2, 3, 4]) + rawFrame(9, utf8("p"))
                + [0x85, 0x80, 0x01, 0x02, 0x03, 0x04])
            let (bytes, ended) = raw.readToEnd()
            return (RawWebSocket.events(bytes), ended)
        }
        #expect(events == [.text("hello"), .pong(utf8("p")), .close(code: 1002, reason: "reserved opcode 5")])
        #expect(ended)
    }

    @Test func aCloseFrameThenFINGetsTheRepliesThenTheCloseEchoThenEOF() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: journal) }
        defer { server.stopNow() }
        let port = await server.port
        let (bytes, ended) = try await offMain { () -> ([UInt8], Bool) in
            let raw = try RawWebSocket(port: port, path: "/ws/echo-journal")
            try raw.sendAndFinishInOneServerTurn(rawFrame(1, utf8("last words")) + rawFrame(8, [0x03, 0xE8]))
            return raw.readToEnd()
        }
        #expect(RawWebSocket.events(bytes) == [.text("Echo: last words"), .close(code: 1000, reason: "")])
        #expect(bytes == WebSocketFrameEncoder.text("Echo: last words") + WebSocketFrameEncoder.close(code: .normal))
        #expect(ended)
        #expect(await journal.lines.filter { $0.hasPrefix("close ") }.count == 1)
    }

    @Test func aMessageThenFINWithNoCloseFrameStillGetsItsReplyAndFiresCloseOnce() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: journal) }
        defer { server.stopNow() }
        let port = await server.port
        let (bytes, ended) = try await offMain { () -> ([UInt8], Bool) in
            let raw = try RawWebSocket(port: port, path: "/ws/echo-journal")
            try raw.sendAndFinishInOneServerTurn(rawFrame(1, utf8("one")) + rawFrame(1, utf8("two")))
            return raw.readToEnd()
        }
        // The replies, and no close frame: the client never sent one (1006 on our side).
        #expect(bytes == WebSocketFrameEncoder.text("Echo: one") + WebSocketFrameEncoder.text("Echo: two"))
        #expect(ended)
        let lines = await journal.lines
        #expect(lines.filter { $0.hasPrefix("close ") }.count == 1)
        #expect(lines.map { $0.split(separator: " ").first ?? "" } == ["open", "message", "message", "close"])
        #expect(await server.waitForOpenConnections(atMost: 0, timeout: 5) == 0)
    }

    @Test func FINWhileWaitingForThePeersCloseEndsTheConnectionAfterOurCloseIsWritten() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: journal) }
        defer { server.stopNow() }
        let port = await server.port
        let (bytes, ended) = try await offMain { () -> ([UInt8], Bool) in
            let raw = try RawWebSocket(port: port, path: "/ws/lifecycle")
            // The server answers with close 4001 "bye"; we never send ours.
            try raw.sendAndFinishInOneServerTurn(rawFrame(1, utf8("close-me")))
            return raw.readToEnd()
        }
        #expect(bytes == WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: 4001), reason: "bye"))
        #expect(ended)
        #expect(await journal.lines.filter { $0.hasPrefix("close") }.count == 1)
    }
}
