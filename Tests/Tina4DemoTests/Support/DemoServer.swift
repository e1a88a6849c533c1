import Dispatch
import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo
// TestFailure, offMain, connectTCP, writeAll: shared with the library tests, for every file of this target.
@_exported import Tina4TestSupport

/// Every demo test, one at a time: they share `Router.routes`, `Router.hub` and the demos' state
/// (`chatUsers`, `roomUsers`), and `/ws/private` reports the server-wide WebSocket count.
@Suite(.serialized) struct DemoTests {}

/// The demos, registered on the global router once per process (as `tina4 serve` does).
@MainActor enum DemoRoutes {
    private static var registered = false
    /// The WebSocket route patterns `Demos.registerAll()` added (other suites add routes of their
    /// own to the same global router).
    private(set) static var webSocketRoutes: Set<String> = []

    static func registerOnce() {
        guard !registered else { return }
        registered = true
        Log.shared.minimum = .error  // the demos log every connection at info
        let before = Set(Router.routes.webSocketPatterns)
        Demos.registerAll()
        webSocketRoutes = Set(Router.routes.webSocketPatterns).subtracting(before)
    }
}

/// Where a running demo server listens.
struct DemoServer: Sendable {
    let port: Int
    var ws: String { "ws://127.0.0.1:\(port)" }
}

/// The repository's `public/` and `src/templates/`, which `tina4 serve` finds in the working directory.
enum RepositoryAssets {
    static let publicDirectory = EmbeddedAssetsTests.root + "/public"
    static let templateDirectory = EmbeddedAssetsTests.root + "/src/templates"
}

/// Runs `body` against a fresh server on 127.0.0.1 and a free port, serving `Router.routes` with
/// `Router.hub` from the main queue; stops it (closing every socket) afterwards, even on failure.
/// Templates and static files are set up as `tina4 serve` does (``Demos/configureAssets(for:configuration:)``),
/// from the repository's directories unless others are given.
func withDemoServer(publicDirectory: String = RepositoryAssets.publicDirectory,
                    templateDirectory: String = RepositoryAssets.templateDirectory,
                    _ body: (DemoServer) async throws -> Void) async throws {
    let server = try await MainActor.run { () throws -> Server in
        DemoRoutes.registerOnce()
        #expect(Router.hub.totalCount == 0, "an earlier test left WebSockets in the hub")
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.publicDirectory = publicDirectory
        configuration.templateDirectory = templateDirectory
        let server = Server(configuration: configuration, log: Log(minimum: .error))
        Demos.configureAssets(for: server, configuration: configuration)
        try server.start()
        server.runOnMainQueue()
        return server
    }
    let demo = DemoServer(port: await server.port)
    await MainActor.run { Demos.listeningPort = demo.port }  // as `tina4 serve` does once bound
    do {
        try await body(demo)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// A ``WebSocketClient`` driven from async tests: each call blocks a global-queue thread, never
/// the main one. Calls are awaited one after another, so one thread uses the client at a time.
final class Client: @unchecked Sendable {
    private let client: WebSocketClient

    private init(_ client: WebSocketClient) { self.client = client }

    static func connect(_ url: String) async throws -> Client {
        try await offMain { Client(try WebSocketClient(url: url)) }
    }

    func send(_ text: String) async throws { try await offMain { try self.client.send(text: text) } }
    func send(binary: [UInt8]) async throws { try await offMain { try self.client.send(binary: binary) } }
    func receive() async throws -> WebSocketFrameEvent? { try await offMain { try self.client.receive() } }
    func receiveText() async throws -> String { try await offMain { try self.client.receiveText() } }

    /// The next message, which must be a JSON object.
    func receiveObject(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let text = try await receiveText()
        return try #require(try JSON.parse(text).object, "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// Closes with 1000 and waits for the server's close frame; returns its code.
    @discardableResult
    func close() async throws -> UInt16? { try await offMain { try self.client.close() } }

    /// Drops the TCP connection without a close frame.
    func disconnect() async throws { try await offMain { self.client.disconnect() } }

    /// Waits for the server to close; returns its code.
    func expectClose() async throws -> UInt16? { try await offMain { try self.client.expectClose() } }
}

extension JSONObject {
    /// Removes `key` and returns its value (for fields checked apart, like timestamps and ids).
    mutating func take(_ key: String) -> JSON? {
        defer { self[key] = nil }
        return self[key]
    }
}

// MARK: HTTP

/// A response read off the wire.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    /// The body, which must be a JSON object.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject {
        try #require(try JSON.parse(body).object, "body is not a JSON object: \(body)", sourceLocation: sourceLocation)
    }
}

/// Sends one request (`Connection: close`) and reads the response up to its Content-Length.
func request(_ server: DemoServer, _ method: String, _ path: String, body: String? = nil,
             contentType: String = "application/json", headers: [(String, String)] = []) async throws -> HTTPReply {
    var head = "\(method) \(path) HTTP/1.1\r\n"
    if !headers.contains(where: { $0.0.lowercased() == "host" }) { head += "Host: 127.0.0.1\r\n" }
    head += "Connection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n" }
    let bytes = Array((head + "\r\n" + (body ?? "")).utf8)
    let port = server.port
    return try await offMain {
        let fd = try connectTCP(port: port)
        defer { close(fd) }
        try writeAll(fd, bytes)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            if let reply = HTTPReply(parsing: received) { return reply }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 5000) > 0 else { throw TestFailure("no complete response within 5 s") }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw TestFailure("connection ended before a complete response: \(String(decoding: received, as: UTF8.self))") }
            received += buffer[..<n]
        }
    }
}

extension HTTPReply {
    /// A complete response (head and Content-Length body), or nil while bytes are missing.
    init?(parsing bytes: [UInt8]) {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        guard bytes.count - end.upperBound >= length else { return nil }
        self.init(status: status, headers: headers,
                  body: String(decoding: bytes[end.upperBound..<(end.upperBound + length)], as: UTF8.self))
    }
}

// MARK: Timestamps

enum Stamp {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (JavaScript's `toISOString`) within 5 s of now.
    static func isRecentISO8601(_ value: JSON?) -> Bool {
        guard let text = value?.string, matches(text, "dddd-dd-ddTdd:dd:dd.dddZ") else { return false }
        let digits = text.split { !$0.isNumber }.map { Int($0)! }
        var parts = tm()
        parts.tm_year = Int32(digits[0] - 1900)
        parts.tm_mon = Int32(digits[1] - 1)
        parts.tm_mday = Int32(digits[2])
        parts.tm_hour = Int32(digits[3])
        parts.tm_min = Int32(digits[4])
        parts.tm_sec = Int32(digits[5])
        return abs(timegm(&parts) - time(nil)) <= 5
    }

    /// `pattern` with `d` for any ASCII digit; other characters literal.
    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.utf8.count == pattern.utf8.count && zip(text.utf8, pattern.utf8).allSatisfy { char, expected in
            expected == UInt8(ascii: "d") ? (0x30...0x39).contains(char) : char == expected
        }
    }
}
