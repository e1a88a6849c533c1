import Testing
@testable import Tina4

/// What the server does with the last bytes of a connection: frames that precede a violation in
/// the same read, and replies still queued when the client half-closes (FIN).
@Suite(.serialized) struct WebSocketEndOfStreamTests {
    typealias Journal = WebSocketServerTests.Journal

    @Test func aMessageBeforeABadFrameInTheSameReadIsHandledThenTheCloseSent() async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: Journal()) }
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
        await server.stop()
    }
}
