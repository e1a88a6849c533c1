import CShims
import Glibc
import Testing
@testable import Tina4
import Tina4TestSupport

/// A whole server over real TCP sockets on a fake loop: the keep-alive and request timeouts,
/// linger, and stopping with connections in every state. Thirty seconds of server time pass in
/// one call; nothing sleeps.
@MainActor @Suite(.serialized) struct ServerOnFakeLoopTests {
    let loop = FakeLoop()
    let lines = LogLines()
    let gate = Gate()
    /// WebSocket connections as their handlers saw them, kept past the server's life.
    let sockets = SocketList()

    @MainActor final class SocketList {
        var all: [WebSocketConnection] = []
        /// `.close` events the handler saw.
        var closes = 0
    }

    func makeServer(configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> Server {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        let routes = RouteTable()
        routes.get("/x") { _, response in response.text("x") }
        routes.get("/big") { _, response in Response(body: [UInt8](repeating: 0x42, count: 8 << 20)) }
        let gate = self.gate
        routes.get("/wait") { (_: Request, response: Response) async throws -> Response in
            await gate.pass()
            return response.text("late")
        }
        let sockets = self.sockets
        routes.websocket("/ws") { connection, event, _ in
            if event == .open { sockets.all.append(connection) }
            if event == .close { sockets.closes += 1 }
        }
        let server = Server(configuration: configuration, routes: routes, log: lines.log(minimum: .debug), loop: loop)
        try server.start()
        return server
    }

    /// Connects a client and turns the loop until the server has accepted it; returns it with
    /// its channel.
    func connect(_ server: Server) async throws -> (RawConnection, Channel) {
        let before = Set(server.channels.channels.map(ObjectIdentifier.init))
        let client = try RawConnection(port: server.port)
        try await loop.turn(until: { server.channels.channels.contains { !before.contains(ObjectIdentifier($0)) } })
        return (client, server.channels.channels.first { !before.contains(ObjectIdentifier($0)) }!)
    }

    static let handshake = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    // MARK: Timeouts in test time

    @Test func anIdleKeepAliveConnectionIsClosedAfterThirtySecondsOfServerTime() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { channel.bytesWritten > 0 })
        #expect(client.readResponses(1, timeout: 1).first?.body == "x")
        loop.advance(by: 29_999)
        #expect(!channel.isClosed)
        loop.advance(by: 1)
        #expect(channel.isClosed)
        #expect(client.readUntilClosed(timeout: 1).closed)
    }

    @Test func aRequestStillArrivingAfterThirtySecondsGets408() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /x HTTP/1.1\r\nHo")
        loop.turn()   // loopback: the bytes are there, one turn reads them
        loop.advance(by: 30_000)
        let (text, closed) = client.readUntilClosed(timeout: 1)
        #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(closed, "the response, then the server's half-close")
        loop.advance(by: 2_000)   // the linger
        #expect(channel.isClosed)
        #expect(lines.all.contains { $0.contains("[http] fd=\(channel.fd): request not completed in 30000 ms, 408") })
    }

    @Test func aClosingConnectionLingersTwoSecondsForAClientThatKeepsItOpen() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try await loop.turn(until: { if case .lingering = channel.lifecycle { true } else { false } })
        #expect(client.readToEnd(timeout: 1).hasSuffix("\r\n\r\nx"), "the response, then EOF")
        loop.advance(by: 1_999)
        #expect(!channel.isClosed)
        loop.advance(by: 1)
        #expect(channel.isClosed)
        #expect(server.openConnectionCount == 0)
    }

    @Test func anAsyncHandlerMayTakeLongerThanTheTimeoutsAndTheKeepAliveClockStartsAfterItsResponse() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { gate.waiting == 1 })
        loop.advance(by: 120_000)
        #expect(!channel.isClosed, "no timeout while the application works")
        gate.open()
        try await loop.turn(until: { channel.bytesWritten > 0 })
        #expect(client.readResponses(1, timeout: 1).first?.body == "late")
        loop.advance(by: 29_999)
        #expect(!channel.isClosed)
        loop.advance(by: 1)
        #expect(channel.isClosed)
    }

    /// What the client can read now, without waiting.
    func readAvailable(_ client: RawConnection) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var out: [UInt8] = []
        while true {
            let n = recv(client.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n <= 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    @Test func backpressurePausesReadingAndDropsAClientThatReadsNothingForATimeout() async throws {
        let server = try makeServer { $0.outputHighWaterBytes = 1_000 }
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { channel.output == .waitingForWritable })
        #expect(channel.input == .paused, "the second request is not read while the first response waits")
        #expect(channel.pendingOutputBytes < 2 * (8 << 20), "only the first response is queued")
        loop.advance(by: 29_999)
        #expect(!channel.isClosed)
        loop.advance(by: 30_001)   // a whole timeout after the last progress
        #expect(channel.isClosed)
        #expect(lines.all.contains { $0.contains("[server] fd=\(channel.fd): client read 0 bytes in 30000 ms with ") })
    }

    @Test func aSlowReaderIsKeptAndGetsEveryResponseInOrder() async throws {
        let server = try makeServer { $0.outputHighWaterBytes = 1_000 }
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { channel.output == .waitingForWritable })
        var received = 0
        var tail: [UInt8] = []
        for _ in 0..<10_000 {   // a little every 20 s of server time: slow, but reading
            let chunk = readAvailable(client)
            received += chunk.count
            tail = Array((tail + chunk).suffix(8))
            if String(decoding: tail, as: UTF8.self).hasSuffix("\r\n\r\nx") { break }
            loop.turn()
            loop.advance(by: 20_000)
            if channel.isClosed { break }
        }
        #expect(!channel.isClosed, "a client that keeps reading is not dropped")
        #expect(String(decoding: tail, as: UTF8.self).hasSuffix("\r\n\r\nx"), "the pipelined request after the big one is answered last")
        #expect(received > 8 << 20)
        #expect(channel.input == .reading)
    }

    // MARK: Stopping

    /// Connections in every state, as the stop test needs them: the clients, weak references
    /// to their channels (the test holds none but `kept`), and their fds.
    struct Connections {
        var idle, partial, waiting, slow, open, closing, lingering: RawConnection
        var channels: WeakList
        var fds: [Int32]
        var kept: Channel
    }

    func openConnectionsOfEveryKind(_ server: Server) async throws -> Connections {
        let (idle, idleChannel) = try await connect(server)
        try idle.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { idleChannel.bytesWritten > 0 })

        let (partial, partialChannel) = try await connect(server)
        try partial.send("GET /x HTTP/1.1\r\nHo")
        loop.turn()   // loopback: the bytes are there, one turn reads them

        let (waiting, waitingChannel) = try await connect(server)
        try waiting.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { gate.waiting == 1 })

        let (slow, slowChannel) = try await connect(server)
        try slow.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { slowChannel.output == .waitingForWritable })

        let (open, openChannel) = try await connect(server)
        try open.send(Self.handshake)
        try await loop.turn(until: { sockets.all.count == 1 })

        let (closing, closingChannel) = try await connect(server)
        try closing.send(Self.handshake)
        try await loop.turn(until: { sockets.all.count == 2 })
        (closingChannel.session as? WebSocketSession)?.close(code: .normal, reason: "bye")
        loop.turn()
        let closeSent = closing.read(timeout: 1) { $0.suffix(7).elementsEqual([0x88, 0x05, 0x03, 0xE8] + Array("bye".utf8)) }
        #expect(closeSent.suffix(7).elementsEqual([0x88, 0x05, 0x03, 0xE8] + Array("bye".utf8)), "the server's close frame is out; the client has not answered")

        let (lingering, lingeringChannel) = try await connect(server)
        try lingering.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try await loop.turn(until: { if case .lingering = lingeringChannel.lifecycle { true } else { false } })

        // Every kind is really in its state before the stop.
        #expect(server.openConnectionCount == 7)
        #expect(partialChannel.pendingOutputBytes == 0 && partialChannel.bytesWritten == 0, "no answer yet")
        #expect(waitingChannel.input == .paused, "reading pauses while the async handler runs")
        #expect(slowChannel.input == .paused, "reading pauses while a big response waits")
        #expect((openChannel.session as? WebSocketSession)?.machine.state == .open)
        #expect((closingChannel.session as? WebSocketSession)?.machine.state == .closeSent)
        #expect(!closingChannel.isClosed, "waiting for the client's close frame")

        let all = [idleChannel, partialChannel, waitingChannel, slowChannel, openChannel, closingChannel, lingeringChannel]
        return Connections(
            idle: idle, partial: partial, waiting: waiting, slow: slow, open: open, closing: closing, lingering: lingering,
            channels: WeakList(all), fds: all.map(\.fd), kept: idleChannel)
    }

    @Test func stoppingReleasesConnectionsInEveryStateAndLaterEventsFindThemClosed() async throws {
        var server: Server? = try makeServer { $0.outputHighWaterBytes = 1_000 }
        let c = try await openConnectionsOfEveryKind(server!)
        server!.stop()
        #expect(server!.openConnectionCount == 0)
        server = nil
        #expect(loop.registeredCount == 0, "the loop holds no handler of the server")
        #expect(loop.stopCount == 1)

        // The open WebSocket was told the server is going away (1001), then the socket closed.
        let closeFrame: [UInt8] = [0x88, 0x16, 0x03, 0xE9] + Array("server shutting down".utf8)
        let openBytes = c.open.read(timeout: 1) { _ in false }   // until EOF
        #expect(openBytes.suffix(closeFrame.count).elementsEqual(closeFrame))
        #expect(c.open.readUntilClosed(timeout: 1).closed)
        for client in [c.idle, c.partial, c.waiting, c.slow, c.closing, c.lingering] {
            #expect(client.readUntilClosed(timeout: 1).closed)
        }

        // Drive events at what is left: readiness on the old fds, every timer, the async
        // handler finishing, application sends on the old WebSockets, calls on a kept channel.
        for fd in c.fds {
            loop.deliver(UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLOUT | CSHIM_EPOLLHUP | CSHIM_EPOLLERR | CSHIM_EPOLLRDHUP), to: fd)
        }
        loop.advance(by: 120_000)
        gate.open()
        for _ in 0..<20 { await Task.yield() }
        loop.turn()
        for connection in sockets.all {
            connection.send("after the stop")
            connection.close()
        }
        c.kept.handleEvents(UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLOUT | CSHIM_EPOLLHUP))
        c.kept.send([1, 2, 3])
        c.kept.closeWhenFlushed()
        c.kept.resumeReading()
        c.kept.flush()
        #expect(c.kept.isClosed)
        #expect(c.kept.pendingOutputBytes == 0)
        #expect(c.channels.alive == 1, "only the channel the test holds is still in memory")
        #expect(loop.pendingTimerCount == 0)
    }
}

/// Weak references to channels (to see that a stopped server released them).
@MainActor final class WeakList {
    private struct Entry { weak var channel: Channel? }
    private var entries: [Entry]
    init(_ channels: [Channel]) { entries = channels.map { Entry(channel: $0) } }
    var alive: Int { entries.count { $0.channel != nil } }
}
