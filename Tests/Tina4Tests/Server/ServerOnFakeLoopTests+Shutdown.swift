import Glibc
import Testing
@testable import Tina4

/// Graceful shutdown on a whole server over real sockets, in fake time.
extension ServerOnFakeLoopTests {
    /// A masked close frame from the client with code 1001 (mask key 0).
    static let clientGoingAway: [UInt8] = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE9]

    /// Reads what `client` is sent while turning the loop, until the server closes it; then
    /// ends the client's side too, as a real client does.
    func readWhileTurning(_ client: RawConnection, seconds: Double = 10) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var ended = false
        try await loop.turn(until: {
            while !ended {
                let n = recv(client.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n > 0 { bytes += buffer[0..<n] } else { ended = n == 0 || errno != EAGAIN; break }
            }
            return ended
        }, timeout: seconds)
        _ = shutdown(client.fd, Int32(SHUT_WR))
        return bytes
    }

    @Test func shuttingDownClosesWebSocketsWith1001FinishesRequestsInProgressThenStops() async throws {
        let server = try makeServer { $0.outputHighWaterBytes = 1_000 }
        let c = try await openConnectionsOfEveryKind(server)
        var done = false
        server.shutDown { done = true }
        #expect(server.isShuttingDown)
        #expect(throws: (any Error).self, "the listener is closed at once") { try RawConnection(port: server.port) }
        loop.turn()

        // The open WebSocket is told 1001 "server shutting down" and answers; its .close runs.
        let closeFrame: [UInt8] = [0x88, 0x16, 0x03, 0xE9] + Array("server shutting down".utf8)
        let got = c.open.read(timeout: 2) { $0.suffix(closeFrame.count).elementsEqual(closeFrame) }
        #expect(got.suffix(closeFrame.count).elementsEqual(closeFrame))
        try c.open.send(Self.clientGoingAway)
        try c.closing.send(Self.clientGoingAway)   // the one the server was already closing
        #expect(try await readWhileTurning(c.open).count == 0)
        _ = try await readWhileTurning(c.closing)
        #expect(sockets.closes == 2, "each .close handler ran")

        // The idle keep-alive connection is closed; the lingering one finishes its linger.
        let idle = String(decoding: try await readWhileTurning(c.idle), as: UTF8.self)
        #expect(idle.hasSuffix("\r\n\r\nx"), "the answer it had, then the end")
        // The request on its way is completed and answered with Connection: close.
        try c.partial.send("st: x\r\n\r\n")
        let partial = String(decoding: try await readWhileTurning(c.partial), as: UTF8.self)
        #expect(partial.hasPrefix("HTTP/1.1 200 OK\r\n") && partial.contains("\r\nConnection: close\r\n") && partial.hasSuffix("\r\n\r\nx"))
        // The async handler's answer goes out, with Connection: close.
        gate.open()
        let late = String(decoding: try await readWhileTurning(c.waiting), as: UTF8.self)
        #expect(late.contains("\r\nConnection: close\r\n") && late.hasSuffix("\r\n\r\nlate"))
        // The big response being read slowly completes, and so does the request pipelined after it.
        let slow = try await readWhileTurning(c.slow)
        #expect(slow.count > 2 * (8 << 20))
        c.lingering.reset()

        try await loop.turn(until: { server.openConnectionCount == 0 })
        #expect(done, "done ran once the last connection left, before the grace ended")
        #expect(loop.stopCount == 1)
    }

    @Test func whatIsLeftAtTheEndOfTheGraceIsClosed() async throws {
        let server = try makeServer { $0.shutdownGraceMilliseconds = 5_000 }
        let (client, _) = try await connect(server)
        try client.send("GET /x HTTP/1.1\r\nHo")   // a request that never completes
        loop.turn()
        var done = false
        server.shutDown { done = true }
        loop.advance(by: 4_999)
        #expect(!done && server.openConnectionCount == 1)
        loop.advance(by: 1)
        #expect(done && server.openConnectionCount == 0)
        #expect(loop.stopCount == 1)
        #expect(lines.all.contains { $0.contains("[server] 1 connections still open after the shutdown grace, closing them") })
        server.stop()   // harmless afterwards
        #expect(loop.stopCount == 2)
    }
}
