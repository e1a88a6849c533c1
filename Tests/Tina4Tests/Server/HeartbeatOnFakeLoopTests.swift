import Testing
@testable import Tina4

/// The default heartbeat (30 s) of a whole server on the fake loop, over real sockets: minutes
/// of server time in microseconds, one timer for the server however many WebSockets it holds.
@MainActor @Suite(.serialized) struct HeartbeatOnFakeLoopTests {
    let loop = FakeLoop()
    let lines = LogLines()
    let closes = Counter()

    @MainActor final class Counter { var value = 0 }

    func makeServer(configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> Server {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        let routes = RouteTable()
        let closes = self.closes
        routes.websocket("/ws") { _, event, _ in
            if event == .close { closes.value += 1 }
        }
        let server = Server(configuration: configuration, routes: routes, log: lines.log(minimum: .info), loop: loop)
        try server.start()
        return server
    }

    static let handshake = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    @Test func pingEvery30SecondsAndA1001CloseForOneSilentAfterAPing() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let timersBefore = loop.pendingTimerCount
        var clients: [(RawConnection, Channel)] = []
        for _ in 0..<3 {
            let client = try RawConnection(port: server.port)
            try client.send(Self.handshake)
            try await loop.turn(until: { server.hub.localCount(path: "/ws") == clients.count + 1 })
            let channel = server.channels.channels.first { channel in channel.carriesWebSocket && !clients.contains { $0.1 === channel } }!
            _ = client.read(timeout: 1) { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }
            clients.append((client, channel))
        }
        #expect(loop.pendingTimerCount == timersBefore, "open WebSockets hold no timer of their own")
        let (live, _) = clients[0]

        let written = clients.map { $0.1.bytesWritten }   // the 101
        loop.advance(by: 29_999)
        #expect(clients.map { $0.1.bytesWritten } == written, "nothing before the interval")
        loop.advance(by: 1)
        for (client, _) in clients {
            #expect(client.read(timeout: 1) { $0.count >= 2 } == [0x89, 0x00], "one empty ping each")
        }
        try live.send(rawFrame(0xA))                       // only the first answers
        loop.turn()                                        // loopback: one turn reads it
        loop.advance(by: 30_000)
        #expect(server.hub.localCount(path: "/ws") == 1 && closes.value == 2, "the two silent ones left at the second tick")
        let closeFrame: [UInt8] = [0x88, 0x13, 0x03, 0xE9] + Array("heartbeat timeout".utf8)
        for (client, _) in clients.dropFirst() {
            #expect(client.read(timeout: 1) { $0.count >= closeFrame.count } == closeFrame)
        }
        #expect(live.read(timeout: 1) { $0.count >= 2 } == [0x89, 0x00], "the live one is pinged again")
        #expect(lines.all.filter { $0.contains("nothing received for a heartbeat interval after a ping, closing with 1001") }.count == 2)
        #expect(lines.all.filter { $0.contains(": closed /ws from 127.0.0.1:") && $0.hasSuffix(" with 1001") }.count == 2)
    }
}
