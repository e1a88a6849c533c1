import Testing
@testable import Tina4

@Suite("WebSocket client against a loopback echo server")
struct WebSocketClientTests {
    static func connect(_ server: TestEchoServer, host: String = "127.0.0.1", headers: [(String, String)] = []) throws(WebSocketClientError) -> WebSocketClient {
        try WebSocketClient(url: "ws://\(host):\(server.port)/echo?x=1", headers: headers, timeout: 5)
    }

    /// The error `body` throws, or nil when it returns.
    static func thrownError(_ body: () throws(WebSocketClientError) -> Void) -> WebSocketClientError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func echoesTextAndBinaryOfEverySize() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        for size in [0, 1, 125, 126, 65535, 65536, 300_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try client.send(binary: bytes)
            #expect(try client.receive() == .binary(bytes))
        }
        try client.send(text: "héllo 🎉")
        #expect(try client.receiveText() == "héllo 🎉")
        #expect(try client.close(reason: "done") == 1000)
        #expect(server.waitUntilFinished())
        #expect(server.log == ["close 1000 done"])
    }

    @Test func handshakeResponseHeadersAreKept() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        #expect(client.handshakeResponseHeaders.contains { $0.0 == "Upgrade" && $0.1 == "websocket" })
        #expect(client.handshakeResponseHeaders.contains { $0.0 == "Sec-WebSocket-Accept" })
        try client.close()
    }

    @Test func connectsToLocalhostByName() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server, host: "localhost")   // may try ::1 first, then 127.0.0.1
        try client.send(text: "by name")
        #expect(try client.receiveText() == "by name")
        try client.close()
    }

    @Test(.enabled(if: TestEchoServer.ipv6LoopbackWorks)) func connectsOverIPv6() throws {
        let server = try TestEchoServer(ipv6: true)
        let client = try Self.connect(server, host: "[::1]")
        try client.send(text: "v6")
        #expect(try client.receiveText() == "v6")
        try client.close()
    }

    @Test func framesInTheSameReadAsThe101AreDelivered() throws {
        let greeting = WebSocketFrameEncoder.text("welcome") + WebSocketFrameEncoder.ping(Array("hi".utf8))
            + WebSocketFrameEncoder.binary([1, 2, 3])
        let server = try TestEchoServer(greeting: greeting)
        let client = try Self.connect(server)
        #expect(try client.receiveText() == "welcome")
        #expect(try client.receive() == .binary([1, 2, 3]))        // the ping was answered, not returned
        #expect(try client.receiveText() == "pong:hi")             // the server got the pong
        try client.close()
    }

    @Test func serverPingsAreAnsweredAutomatically() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.send(text: "cmd:ping are you there")
        #expect(try client.receiveText() == "pong:are you there")
        try client.close()
        #expect(server.waitUntilFinished())
        #expect(server.log.contains("pong are you there"))
    }

    @Test func clientPingGetsAPong() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.ping(Array("p1".utf8))
        #expect(try client.receive() == .pong(Array("p1".utf8)))
        try client.close()
    }

    @Test func serverCloseIsReportedAndAnswered() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.send(text: "cmd:close 4001 see you")
        #expect(Self.thrownError { () throws(WebSocketClientError) in _ = try client.receive() } == .closed(code: 4001, reason: "see you"))
        #expect(server.waitUntilFinished())
        #expect(server.log == ["close 4001 "])                          // the client echoed the code
        #expect(Self.thrownError { () throws(WebSocketClientError) in try client.send(text: "late") } == .closed(code: 4001, reason: "see you"))
        #expect(try client.close() == 4001)
    }

    @Test("bad frames from the client make the server close with the right code", arguments: [
        (rawFrame(1, utf8("unmasked"), mask: nil), UInt16(1002)),
        (rawFrame(3, []), 1002),
        (rawFrame(1, [0x61, 0xFF]), 1007),
        (rawFrame(9, [], fin: false), 1002),
        (rawFrame(0, utf8("orphan")), 1002),
        (rawFrame(8, [0x03]), 1002),
        (rawFrame(8, [0x03, 0xED]), 1002),
        (rawFrame(2, [], rsv: 4), 1002),
    ] as [([UInt8], UInt16)])
    func protocolErrors(frame: [UInt8], code: UInt16) throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.sendRaw(frame)
        #expect(try client.expectClose() == code)
        #expect(server.waitUntilFinished())
        #expect(server.log == ["error \(code)"])
    }

    @Test func expectCloseSkipsMessagesBeforeTheClose() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.send(text: "one")
        try client.send(text: "two")
        try client.send(text: "cmd:close 1001")
        #expect(try client.expectClose() == 1001)
    }

    @Test func fragmentedMessagesFromTheServerAreReassembled() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        let fragments = rawFrame(1, utf8("frag"), fin: false, mask: nil) + rawFrame(9, utf8("mid"), mask: nil)
            + rawFrame(0, utf8("mented"), mask: nil)
        try client.send(text: "cmd:raw " + TestEchoServer.hex(fragments))
        #expect(try client.receiveText() == "fragmented")
        #expect(try client.receiveText() == "pong:mid")
        try client.close()
    }

    @Test func maskedServerFrameIsAProtocolError() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.send(text: "cmd:raw " + TestEchoServer.hex(rawFrame(1, utf8("masked"))))
        let error = Self.thrownError { () throws(WebSocketClientError) in _ = try client.receive() }
        #expect(error == .protocolError("1002: server frame is masked"))
        #expect(server.waitUntilFinished())
        #expect(server.log == ["close 1002 server frame is masked"])
    }

    @Test func messagesBeforeABadServerFrameAreStillReceived() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        let bytes = rawFrame(1, utf8("before"), mask: nil) + rawFrame(1, utf8("masked"))
        try client.send(text: "cmd:raw " + TestEchoServer.hex(bytes))
        #expect(try client.receiveText() == "before")
        let error = Self.thrownError { () throws(WebSocketClientError) in _ = try client.receive() }
        #expect(error == .protocolError("1002: server frame is masked"))
        #expect(Self.thrownError { () throws(WebSocketClientError) in try client.send(text: "more") }
                == .protocolError("1002: server frame is masked"))
        #expect(server.waitUntilFinished())
        #expect(server.log == ["close 1002 server frame is masked"])
    }

    @Test func droppedConnectionIsConnectionLost() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        try client.send(text: "cmd:drop")
        #expect(Self.thrownError { () throws(WebSocketClientError) in _ = try client.receive() } == .connectionLost)
    }

    @Test func disconnectClosesWithoutACloseFrame() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        client.disconnect()
        #expect(server.waitUntilFinished())
        #expect(server.log == ["eof"])
        #expect(Self.thrownError { () throws(WebSocketClientError) in try client.send(text: "x") } == .connectionLost)
    }

    @Test func receiveReturnsNilOnTimeoutAndReceiveTextThrows() throws {
        let server = try TestEchoServer()
        let client = try Self.connect(server)
        #expect(try client.receive(timeout: 0.05) == nil)
        #expect(Self.thrownError { () throws(WebSocketClientError) in _ = try client.receiveText(timeout: 0.05) } == .timeout)
        try client.send(binary: [9])
        let error = Self.thrownError { () throws(WebSocketClientError) in _ = try client.receiveText() }
        guard case .unexpected? = error else {
            Issue.record("expected .unexpected, got \(String(describing: error))")
            return
        }
        try client.close()
    }

    @Test func refusedHandshakeReportsStatusAndMessage() throws {
        let server = try TestEchoServer()
        let error = Self.thrownError { () throws(WebSocketClientError) in
            _ = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/", headers: [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")])
        }
        #expect(error == .handshakeFailed(status: 400, body: "more than one Sec-WebSocket-Key"))
        #expect(server.waitUntilFinished())
        #expect(server.log == ["rejected 400"])
    }

    @Test func wrongAcceptIsRejected() throws {
        let server = try TestEchoServer(corruptAccept: true)
        let error = Self.thrownError { () throws(WebSocketClientError) in _ = try Self.connect(server) }
        #expect(error == .protocolError("Sec-WebSocket-Accept does not match the key sent"))
    }

    @Test func nothingListeningIsConnectFailed() throws {
        let server = try TestEchoServer()
        let port = server.port
        _ = try Self.connect(server).close()                     // the server takes one connection, then stops listening
        #expect(server.waitUntilFinished())
        let error = Self.thrownError { () throws(WebSocketClientError) in _ = try WebSocketClient(url: "ws://127.0.0.1:\(port)/", timeout: 2) }
        guard case .connectFailed? = error else {
            Issue.record("expected .connectFailed, got \(String(describing: error))")
            return
        }
    }
}
