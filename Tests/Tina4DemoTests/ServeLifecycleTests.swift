import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo

/// `tina4 serve` as a child process: graceful shutdown on SIGTERM/SIGINT, the open-file limit in
/// the banner, and running out of file descriptors without spinning.
@Suite(.serialized) struct ServeLifecycleTests {
    /// Starts `tina4 serve` on a free loopback port; returns it with the port from its banner.
    static func serve(environment: [String] = [], openFileLimit: Int? = nil) async throws -> (Subprocess, Int) {
        let serve = try await offMain {
            try Subprocess(["serve", "--host", "127.0.0.1", "--port", "0"], environment: environment, openFileLimit: openFileLimit)
        }
        let prefix = "  HTTP server running at http://127.0.0.1:"
        let line = try await offMain { serve.line { $0.hasPrefix(prefix) } }
        let port = try #require(line.flatMap { Int($0.dropFirst(prefix.count)) })
        _ = try await offMain { serve.line { $0.hasPrefix("  Press Ctrl+C") } }
        return (serve, port)
    }

    static let body = Array(#"{"user_id": 7}"#.utf8)

    /// Sends the head of a POST that expects `100 Continue`, and reads that: the server has the
    /// request in progress, waiting for its body.
    static func startRequest(on fd: Int32) throws {
        let head = "POST /api/orders/1/ship HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nExpect: 100-continue\r\n\r\n"
        try writeAll(fd, Array(head.utf8))
        let expected = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while received.count < expected.count, read(fd, &byte, 1) == 1 { received.append(byte) }
        guard received == expected else { throw TestFailure("no 100 Continue: \(String(decoding: received, as: UTF8.self))") }
    }

    /// Whether something can bind 127.0.0.1:`port` now (the server released it).
    static func portIsFree(_ port: Int) -> Bool {
        guard let fd = try? Socket.bound(host: "127.0.0.1", port: port, nonBlocking: false, reusePort: false) else { return false }
        close(fd)
        return true
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalClosesWebSocketsWith1001LetsTheRequestInProgressFinishAndExits0(signal: Int32) async throws {
        let (serve, port) = try await Self.serve()
        let (close, answer, exit) = try await offMain { () -> (String?, String, Int32?) in
            let client = try WebSocketClient(url: "ws://127.0.0.1:\(port)/ws/echo")
            let request = try connectTCP(port: port)
            defer { Glibc.close(request) }
            try Self.startRequest(on: request)
            kill(serve.pid, signal)   // the child this test started, by its pid
            var close: String?
            do {
                while try client.receive(timeout: 5) != nil {}
            } catch {
                close = "\(error)"   // the server's close frame ends the client
            }
            try writeAll(request, Self.body)   // the request completes after the signal
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while case let n = read(request, &buffer, buffer.count), n > 0 { received += buffer[0..<n] }
            _ = shutdown(request, Int32(SHUT_WR))   // as a client does at the end: the server need not linger
            return (close, String(decoding: received, as: UTF8.self), serve.waitForExit())
        }
        #expect(close == "connection closed by the server (1001: server shutting down)")
        #expect(answer.hasPrefix("HTTP/1.1 201 Created\r\n"), "the request in progress is answered")
        #expect(answer.contains("\r\nConnection: close\r\n"))
        #expect(exit == 0)
        #expect(Self.portIsFree(port))
        let errors = try await offMain { serve.readErrorsToEnd() ?? "" }
        #expect(errors.contains("[server] shutting down: closing 2 connections (at most 5000 ms)"))
    }

    @Test func aSecondSIGINTDuringTheGraceClosesEverythingAtOnce() async throws {
        let (serve, port) = try await Self.serve(environment: ["TINA4_SHUTDOWN_GRACE=60"])
        let (exit, seconds) = try await offMain { () -> (Int32?, Double) in
            let request = try connectTCP(port: port)   // a request that never completes holds the grace
            defer { close(request) }
            try Self.startRequest(on: request)
            let start = Self.now()
            kill(serve.pid, SIGINT)
            _ = serve.errorLine { $0.contains("[server] shutting down") }
            kill(serve.pid, SIGINT)
            return (serve.waitForExit(), Self.now() - start)
        }
        #expect(exit == 0)
        #expect(seconds < 10, "not the 60 s grace")
        let errors = try await offMain { serve.readErrorsToEnd() ?? "" }
        #expect(errors.contains("[server] interrupted again: closing 1 connections now"))
    }

    @Test func aLowOpenFileLimitIsInTheBannerAndRunningOutOfDescriptorsDoesNotSpin() async throws {
        let (serve, port) = try await Self.serve(openFileLimit: 48)
        let banner = String(decoding: serve.stdout, as: UTF8.self)
        #expect(banner.contains("  Open-file limit 48 (ulimit -n): about 16 clients at once, fewer than TINA4_MAX_CONNECTIONS=100000\n"))
        let (cpuSeconds, served) = try await offMain { () -> (Double, Bool) in
            var clients: [Int32] = []
            defer { clients.forEach { close($0) } }
            for _ in 0..<80 { clients.append(try connectTCP(port: port)) }   // more than it has descriptors for
            guard serve.errorLine(where: { $0.contains("[server] out of file descriptors") }) != nil else { return (-1, false) }
            let before = Self.cpuSeconds(serve.pid)
            usleep(1_000_000)
            let cpu = Self.cpuSeconds(serve.pid) - before
            clients.forEach { close($0) }
            clients = []
            usleep(300_000)
            let reply = try? connectTCP(port: port)
            guard let reply else { return (cpu, false) }
            defer { close(reply) }
            try writeAll(reply, Array("GET /api/ws-token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(reply, &buffer, buffer.count)
            return (cpu, n > 0 && String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
        }
        #expect(cpuSeconds >= 0, "the server said it ran out of descriptors")
        #expect(cpuSeconds < 0.3, "a server out of descriptors waits instead of spinning on the listener (\(cpuSeconds) s of CPU in 1 s)")
        #expect(served, "once clients leave, it accepts again")
        let exit = try await offMain { () -> Int32? in
            kill(serve.pid, SIGTERM)
            return serve.waitForExit()
        }
        #expect(exit == 0)
    }

    /// The process's user + system CPU time, from `/proc/PID/stat`.
    static func cpuSeconds(_ pid: pid_t) -> Double {
        let fd = open("/proc/\(pid)/stat", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return 0 }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        guard let end = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: end)...].split(separator: " ")   // fields from 3 (state) on
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
