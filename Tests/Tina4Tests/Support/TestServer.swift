import Dispatch
import Glibc
@testable import Tina4
// TestFailure, offMain, connectTCP, writeAll: shared with the demo tests, for every file of this target.
@_exported import Tina4TestSupport

/// A server on 127.0.0.1 and a free port, driven by the main queue, with its own routes (and so
/// its own hub, `routes.hub`).
@MainActor
final class TestServer {
    let server: Server
    let routes: RouteTable
    let hub: WebSocketHub
    var port: Int { server.port }
    var base: String { "ws://127.0.0.1:\(server.port)" }
    /// The thread that started the server: the main thread, where the server runs.
    private nonisolated let serverThread = pthread_self()

    /// `log` defaults to errors only, on standard error; give it a sink to capture lines.
    init(configure: (inout ServerConfiguration) -> Void = { _ in }, log: Log = Log(minimum: .error),
         routes setup: (RouteTable, WebSocketHub) -> Void) throws {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        routes = RouteTable()
        hub = routes.hub
        setup(routes, hub)
        server = Server(configuration: configuration, routes: routes, log: log)
        try server.start()
        server.runOnMainQueue()
    }

    func stop() { server.stop() }

    /// Stops the server from any thread and returns once it has stopped, so that
    /// `defer { server.stopNow() }` right after the start stops it however the test ends (an
    /// async test cannot `await` in a `defer`). Stopping twice is harmless.
    nonisolated func stopNow() {
        if pthread_equal(pthread_self(), serverThread) != 0 {
            MainActor.assumeIsolated { server.stop() }
        } else {
            DispatchQueue.main.sync { MainActor.assumeIsolated { server.stop() } }
        }
    }

    /// Waits until at most `limit` TCP connections are open (or the timeout); returns the count.
    func waitForOpenConnections(atMost limit: Int, timeout: Double) async -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while server.openConnectionCount > limit && DispatchTime.now().uptimeNanoseconds < deadline {
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return server.openConnectionCount
    }
}

/// A raw TCP connection for HTTP tests: send bytes, read what the server answers.
final class RawConnection {
    /// The socket; -1 after ``reset()``.
    private(set) var fd: Int32

    init(port: Int) throws {
        fd = try Self.connectedSocket(port: port)
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port` (``connectTCP(port:)``); the caller closes it.
    static func connectedSocket(port: Int) throws -> Int32 { try connectTCP(port: port) }

    deinit { if fd >= 0 { close(fd) } }

    /// Swaps in another connected socket (one bound to a chosen source address); closes the old one.
    func replaceSocket(with socket: Int32) {
        if fd >= 0 { close(fd) }
        fd = socket
    }

    /// Aborts the connection: `SO_LINGER` 0 then close, so the server gets a reset (RST), not a FIN.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
        fd = -1
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Writes every byte; throws when the server stops reading for ``testSocketTimeoutSeconds``.
    func send(_ bytes: [UInt8]) throws { try writeAll(fd, bytes) }

    /// Reads until `done` says the bytes so far are complete, EOF, or the timeout.
    func read(timeout: Double = 5, until done: ([UInt8]) -> Bool) -> [UInt8] {
        var received: [UInt8] = []
        let deadline = Double(DispatchTime.now().uptimeNanoseconds) / 1e9 + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !done(received) {
            let remaining = deadline - Double(DispatchTime.now().uptimeNanoseconds) / 1e9
            if remaining <= 0 { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000) + 1) > 0 else { continue }
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return received
    }

    /// Reads until the server closes the connection (or the timeout).
    func readToEnd(timeout: Double = 5) -> String {
        String(decoding: read(timeout: timeout) { _ in false }, as: UTF8.self)
    }

    /// Reads until the server closes the connection: what arrived, and whether the end of the
    /// stream (EOF or a reset) was seen before `timeout` seconds.
    func readUntilClosed(timeout: Double = 5) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Double(DispatchTime.now().uptimeNanoseconds) / 1e9 + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline - Double(DispatchTime.now().uptimeNanoseconds) / 1e9
            if remaining <= 0 { return (String(decoding: received, as: UTF8.self), false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000) + 1) > 0 else { continue }
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received.append(contentsOf: buffer[0..<n])
        }
    }

    /// Reads complete HTTP responses (by Content-Length) until `count` have arrived.
    func readResponses(_ count: Int, timeout: Double = 5) -> [HTTPTestResponse] {
        var parsed: [HTTPTestResponse] = []
        _ = read(timeout: timeout) { bytes in
            parsed = HTTPTestResponse.parseAll(bytes)
            return parsed.count >= count
        }
        return parsed
    }
}

/// A response as read off the wire by tests.
struct HTTPTestResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// Splits a byte stream into complete responses that have a Content-Length (or none and no body).
    static func parseAll(_ bytes: [UInt8]) -> [HTTPTestResponse] {
        var responses: [HTTPTestResponse] = []
        var rest = bytes[...]
        while let end = rest.firstRange(of: [13, 10, 13, 10]) {
            let head = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 ") else { break }
            let status = Int(statusLine.split(separator: " ")[1]) ?? 0
            var headers: [(String, String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " ")))
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            let bodyStart = end.upperBound
            guard rest.endIndex - bodyStart >= length else { break }
            let body = String(decoding: rest[bodyStart..<(bodyStart + length)], as: UTF8.self)
            responses.append(HTTPTestResponse(status: status, headers: headers, body: body))
            rest = rest[(bodyStart + length)...]
        }
        return responses
    }
}

extension String {
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
