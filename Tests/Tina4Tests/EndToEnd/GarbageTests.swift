import Testing
@testable import Tina4

/// Random bytes from many clients, before and after the handshake, never take the server down.
@Suite(.serialized) struct GarbageTests {
    @Test func randomBytesNeverDisturbTheServer() async throws {
        let server = try await MainActor.run {
            try TestServer(configure: { $0.lingerMilliseconds = 50; $0.closeTimeoutMilliseconds = 100 }) { routes, _ in
                routes.websocket("/ws/echo") { connection, event, data in
                    if event == .message { connection.send("Echo: \(data)") }
                }
                routes.post("/echo") { request, response in response.text(request.bodyText ?? "") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        let base = await server.base
        let echoed = try await offMain { () -> String in
            var rng = SplitMix64(seed: 2026)
            let survivor = try WebSocketClient(url: base + "/ws/echo")
            for round in 0..<150 {
                let raw = try RawConnection(port: port)
                var bytes = (0..<Int.random(in: 1...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if round % 2 == 0 {   // half of them after a valid handshake, so the frame decoder gets the garbage
                    let handshake = "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    bytes = Array(handshake.utf8) + bytes
                } else if round % 3 == 0 {   // a plausible request head followed by junk
                    bytes = Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n".utf8) + bytes
                }
                try raw.send(bytes)
                _ = raw.read(timeout: 2) { $0.count > 4096 }   // whatever the server answers, up to EOF or 2 s
            }
            try survivor.send(text: "still alive")
            return try survivor.receiveText()
        }
        #expect(echoed == "Echo: still alive")
        // The last garbage sockets may still be lingering for 50 ms; wait (bounded) until they are released.
        let open = await server.waitForOpenConnections(atMost: 1, timeout: 5)
        #expect(open <= 1, "closed garbage connections are released (\(open) still open)")
    }
}
