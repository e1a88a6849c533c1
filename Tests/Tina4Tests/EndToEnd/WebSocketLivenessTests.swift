import Dispatch
import Glibc
import Testing
@testable import Tina4

/// The heartbeat, the stalled-message timeout, the rate limit, the slow consumer and the
/// open/close log lines, over real sockets on 127.0.0.1, with a heartbeat of a few hundred ms.
@Suite(.serialized) struct WebSocketLivenessTests {
    /// What the route saw, on the main actor.
    @MainActor final class Record {
        var openedAt: [String: UInt64] = [:]
        var closedAt: [String: UInt64] = [:]
        var closes: [String: Int] = [:]
        nonisolated init() {}
    }

    static let interval: UInt64 = 300

    nonisolated static func milliseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    /// `/ws/room` sends each client its id, echoes messages (`count` is answered with
    /// `connectionCount`) and records open and close times;
    /// `/ws/fan` broadcasts each message to everyone on it.
    @MainActor static func start(_ record: Record, log: Log = Log(minimum: .error),
                                 configure: (inout ServerConfiguration) -> Void) throws -> TestServer {
        try TestServer(configure: configure, log: log) { routes, _ in
            routes.websocket("/ws/room") { connection, event, data in
                switch event {
                case .open:
                    record.openedAt[connection.id] = milliseconds()
                    connection.send(connection.id)
                case .message:
                    connection.send(data.text == "count" ? "count:\(connection.connectionCount)" : data.text)
                case .close:
                    record.closedAt[connection.id] = milliseconds()
                    record.closes[connection.id, default: 0] += 1
                }
            }
            routes.websocket("/ws/fan") { connection, event, data in
                if event == .open { connection.send(connection.id) }
                if event == .message { connection.broadcast(data.bytes) }
            }
        }
    }

    // MARK: Heartbeat

    @Test func aSilentClientIsClosedWith1001WithinTwoIntervalsAndALiveOneStays() async throws {
        let record = Record()
        let server = try await MainActor.run { try Self.start(record) { $0.pingIntervalMilliseconds = Self.interval } }
        defer { server.stopNow() }
        let url = await server.base + "/ws/room"
        let (silentID, echo, silentCode) = try await offMain { () -> (String, String, UInt16?) in
            let live = try WebSocketClient(url: url)
            _ = try live.receiveText()
            let silent = try WebSocketClient(url: url)   // sends nothing, reads nothing from now on
            let silentID = try silent.receiveText()
            let until = Self.milliseconds() + 5 * Self.interval
            while Self.milliseconds() < until { _ = try live.receive(timeout: 0.05) }   // reading answers the pings
            try live.send(text: "count")
            let echo = try live.receiveText()
            return (silentID, echo, try silent.expectClose())
        }
        #expect(echo == "count:1", "a client that answers pings stays, alone: the silent one left the room")
        #expect(silentCode == 1001)
        let (opened, closed, closes) = await MainActor.run {
            (record.openedAt[silentID] ?? 0, record.closedAt[silentID] ?? .max, record.closes[silentID])
        }
        #expect(closes == 1, ".close fires once")
        #expect(closed - opened <= 2 * Self.interval + 250, "gone within two intervals of its last bytes (took \(closed &- opened) ms)")
    }

    @Test func aMessageLeftHalfwayIsClosedWith1008EvenIfTheClientAnswersPings() async throws {
        let record = Record()
        let server = try await MainActor.run { try Self.start(record) { $0.pingIntervalMilliseconds = Self.interval } }
        defer { server.stopNow() }
        let url = await server.base + "/ws/room"
        let (code, took) = try await offMain { () -> (UInt16?, UInt64) in
            let client = try WebSocketClient(url: url)
            _ = try client.receiveText()
            try client.sendRaw(rawFrame(1, utf8("first half"), fin: false))
            let start = Self.milliseconds()
            return (try client.expectClose(timeout: 5), Self.milliseconds() - start)   // reading answers the pings
        }
        #expect(code == 1008)
        #expect(took <= 2 * Self.interval + 250)
    }

    @Test func anIntervalOfZeroTurnsTheHeartbeatOff() async throws {
        let record = Record()
        let server = try await MainActor.run { try Self.start(record) { $0.pingIntervalMilliseconds = 0 } }
        defer { server.stopNow() }
        #expect(await server.server.heartbeat.intervalMilliseconds == 0)
        let url = await server.base + "/ws/room"
        let echo = try await offMain { () -> String in
            let client = try WebSocketClient(url: url)
            _ = try client.receiveText()
            sleepUntil(Self.milliseconds() + 3 * Self.interval)   // silent for three would-be intervals
            try client.send(text: "here")
            return try client.receiveText()
        }
        #expect(echo == "here")
    }

    // MARK: Rate limit

    @Test func aClientOverTheRateLimitIsClosedWith1008AfterTheMessagesWithinIt() async throws {
        let record = Record()
        let lines = LogLines()
        let server = try await MainActor.run {
            try Self.start(record, log: lines.log(minimum: .info)) { $0.webSocketRateLimit = WebSocketRateLimit(count: 5, seconds: 60) }
        }
        defer { server.stopNow() }
        let url = await server.base + "/ws/room"
        let (id, replies, ending) = try await offMain { () -> (String, [String], WebSocketClientError?) in
            let client = try WebSocketClient(url: url)
            let id = try client.receiveText()
            for index in 1...7 { try client.send(text: "m\(index)") }
            var replies: [String] = []
            do throws(WebSocketClientError) {
                while true { if case .text(let text)? = try client.receive() { replies.append(text) } }
            } catch {
                return (id, replies, error)
            }
        }
        #expect(replies == ["m1", "m2", "m3", "m4", "m5"])
        guard case .closed(let code, let reason)? = ending else { Issue.record("ended with \(String(describing: ending))"); return }
        #expect(code == 1008 && reason == "rate limit exceeded")
        #expect(lines.all.contains { $0.contains("WARN [ws] /ws/room conn=\(id): /ws/room over the rate limit (TINA4_WS_RATE_LIMIT), closing with 1008") })
    }

    // MARK: Slow consumer

    @Test func aStalledReaderIsDroppedAndTheFastOnesGetEveryMessage() async throws {
        let record = Record()
        let lines = LogLines()
        let server = try await MainActor.run {
            try Self.start(record, log: lines.log(minimum: .info)) { $0.maxWebSocketOutputBytes = 1 << 20 }
        }
        defer { server.stopNow() }
        let url = await server.base + "/ws/fan"
        let count = 300
        let (stalledID, senderGot, readerGot) = try await offMain { () -> (String, Int, Int) in
            let stalled = try WebSocketClient(url: url)
            let stalledID = try stalled.receiveText()      // and never reads again
            let reader = try WebSocketClient(url: url)
            _ = try reader.receiveText()
            let sender = try WebSocketClient(url: url)
            _ = try sender.receiveText()
            var senderGot = 0
            var readerGot = 0
            for index in 0..<count {
                let payload = [UInt8](repeating: UInt8(index % 256), count: 64 * 1024)
                try sender.send(binary: payload)
                if case .binary(let bytes)? = try sender.receive(timeout: 10), bytes == payload { senderGot += 1 }
                if case .binary(let bytes)? = try reader.receive(timeout: 10), bytes == payload { readerGot += 1 }
            }
            stalled.disconnect()
            return (stalledID, senderGot, readerGot)
        }
        #expect(senderGot == count && readerGot == count, "the fast readers got every message, in order")
        #expect(lines.all.contains {
            $0.contains("WARN [ws] /ws/fan conn=\(stalledID): client is not reading;")
                && $0.contains("past the output cap (TINA4_WS_MAX_BUFFER), closing with 1008")
        })
    }

    // MARK: Log lines

    @Test func openAndCloseAreOneInfoLineEachWithIdPathPeerAndCode() async throws {
        let record = Record()
        let lines = LogLines()
        let server = try await MainActor.run { try Self.start(record, log: lines.log(minimum: .info)) { _ in } }
        defer { server.stopNow() }
        let url = await server.base + "/ws/room"
        let id = try await offMain { () -> String in
            let client = try WebSocketClient(url: url)
            let id = try client.receiveText()
            try client.close(code: 4000)
            return id
        }
        let deadline = Self.milliseconds() + 5_000
        while !lines.all.contains(where: { $0.contains("conn=\(id): closed") }) && Self.milliseconds() < deadline {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let mine = lines.all.filter { $0.contains("conn=\(id)") }
        #expect(mine.count == 2)
        #expect(mine.first?.contains("INFO [ws] /ws/room conn=\(id): open /ws/room from 127.0.0.1:") == true)
        #expect(mine.last?.contains("INFO [ws] /ws/room conn=\(id): closed /ws/room from 127.0.0.1:") == true)
        #expect(mine.last?.hasSuffix(" with 4000") == true)
    }
}

/// Blocks this (test) thread until the monotonic clock reaches `deadline` milliseconds: a test
/// of silence has nothing to wait for but time.
private func sleepUntil(_ deadline: UInt64) {
    while WebSocketLivenessTests.milliseconds() < deadline { usleep(10_000) }
}

extension WebSocketLivenessTests {
    @Test func debugLevelLogsEveryFrameReceivedAndInfoNone() async throws {
        let record = Record()
        let debug = LogLines()
        let info = LogLines()
        let debugServer = try await MainActor.run { try Self.start(record, log: debug.log(minimum: .debug)) { _ in } }
        defer { debugServer.stopNow() }
        let infoServer = try await MainActor.run { try Self.start(record, log: info.log(minimum: .info)) { _ in } }
        defer { infoServer.stopNow() }
        for server in [debugServer, infoServer] {
            let url = await server.base + "/ws/room"
            try await offMain {
                let client = try WebSocketClient(url: url)
                _ = try client.receiveText()
                try client.sendRaw(rawFrame(1, utf8("Hel"), fin: false) + rawFrame(9, utf8("p")) + rawFrame(0, utf8("lo")))
                _ = try client.receive()          // the pong
                _ = try client.receiveText()
                try client.close()
            }
        }
        let deadline = Self.milliseconds() + 5_000
        while !debug.all.contains(where: { $0.contains("frame close") }) && Self.milliseconds() < deadline {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let frames = debug.all.filter { $0.contains(": frame ") }.map { String($0[$0.range(of: ": frame ")!.upperBound...]) }
        #expect(frames == ["text length=3 fin=0", "ping length=1 fin=1", "continuation length=2 fin=1", "close length=2 fin=1"])
        #expect(!info.all.contains { $0.contains(": frame ") })
    }
}
