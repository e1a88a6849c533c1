import Testing
@testable import Tina4
import Tina4TestSupport

/// Who may open a WebSocket (`TINA4_WS_ALLOWED_ORIGINS`) and which subprotocol it speaks
/// (`Router.websocket(path, protocols:)`), over real sockets on 127.0.0.1.
@Suite(.serialized) struct WebSocketAccessTests {
    @MainActor static func start(lines: LogLines, origins: String? = nil) throws -> TestServer {
        try TestServer(configure: { configuration in
            configuration.allowedOrigins = try! origins.map { try WebSocketOriginPolicy(parsing: $0) }
        }, log: lines.log(minimum: .info)) { routes, _ in
            routes.websocket("/ws/plain") { connection, event, _ in
                if event == .open { connection.send("protocol=\(connection.protocol ?? "nil")") }
            }
            routes.websocket("/ws/chat", protocols: ["chat.v1", "chat.v2"]) { connection, event, _ in
                if event == .open { connection.send("protocol=\(connection.protocol ?? "nil")") }
            }
        }
    }

    /// The response head to an opening handshake with `extra` header lines, and the first text
    /// message after a 101.
    static func handshake(port: Int, path: String, _ extra: String) throws -> (head: String, firstMessage: String?) {
        let connection = try RawConnection(port: port)
        try connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n")
        let terminator: [UInt8] = [13, 10, 13, 10]
        var bytes = connection.read { $0.firstRange(of: terminator) != nil }
        guard let end = bytes.firstRange(of: terminator) else { throw TestFailure("no response head") }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else { return (head, nil) }
        bytes = Array(bytes[end.upperBound...])
        bytes += connection.read { RawWebSocket.events(bytes + $0).contains { if case .text = $0 { true } else { false } } }
        for event in RawWebSocket.events(bytes) { if case .text(let text) = event { return (head, text) } }
        return (head, nil)
    }

    static func header(_ name: String, in head: String) -> [String] {
        head.split(separator: "\r\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == name.lowercased() else { return nil }
            return String(parts[1].trimmingHTTPWhitespace())
        }
    }

    @Test func withoutAListEveryOriginIsAllowedAsInTheChapter() async throws {
        let server = try await MainActor.run { try Self.start(lines: LogLines()) }
        defer { server.stopNow() }
        let port = await server.port
        let reply = try await offMain { try Self.handshake(port: port, path: "/ws/plain", "Origin: https://evil.example\r\n") }
        #expect(reply.head.hasPrefix("HTTP/1.1 101"))
    }

    @Test func anOriginNotInTheListGets403AndOneEscapedLogLine() async throws {
        let lines = LogLines()
        let server = try await MainActor.run { try Self.start(lines: lines, origins: "https://example.com") }
        defer { server.stopNow() }
        let port = await server.port
        let (evil, null, listed, none) = try await offMain {
            (try Self.handshake(port: port, path: "/ws/plain", "Origin: https://evil.example\"x\r\n"),
             try Self.handshake(port: port, path: "/ws/plain", "Origin: null\r\n"),
             try Self.handshake(port: port, path: "/ws/plain", "Origin: https://EXAMPLE.com\r\n"),
             try Self.handshake(port: port, path: "/ws/plain", ""))
        }
        #expect(evil.head.hasPrefix("HTTP/1.1 403"))
        #expect(null.head.hasPrefix("HTTP/1.1 403"))
        #expect(listed.head.hasPrefix("HTTP/1.1 101") && listed.firstMessage == "protocol=nil")
        #expect(none.head.hasPrefix("HTTP/1.1 101"))          // tina4 listen sends no Origin
        let refusals = lines.all.filter { $0.contains("403 origin") }
        #expect(refusals.count == 2)
        #expect(refusals.first?.contains(#"/ws/plain: handshake refused, 403 origin "https://evil.example\"x""#) == true)
        #expect(refusals.last?.contains(#"origin "null""#) == true)
    }

    @Test func sameOriginAllowsThePageOfTheHostItWasLoadedFrom() async throws {
        let server = try await MainActor.run { try Self.start(lines: LogLines(), origins: "same-origin") }
        defer { server.stopNow() }
        let port = await server.port
        let (same, other) = try await offMain {
            (try Self.handshake(port: port, path: "/ws/plain", "Origin: http://127.0.0.1:\(port)\r\n"),
             try Self.handshake(port: port, path: "/ws/plain", "Origin: http://localhost:\(port)\r\n"))
        }
        #expect(same.head.hasPrefix("HTTP/1.1 101"))
        #expect(other.head.hasPrefix("HTTP/1.1 403"))
    }

    @Test func theFirstOfferedProtocolTheRouteSupportsIsAnsweredAndExposed() async throws {
        let server = try await MainActor.run { try Self.start(lines: LogLines()) }
        defer { server.stopNow() }
        let port = await server.port
        let (second, repeated, none) = try await offMain {
            (try Self.handshake(port: port, path: "/ws/chat", "Sec-WebSocket-Protocol: wamp, chat.v2, chat.v1\r\n"),
             try Self.handshake(port: port, path: "/ws/chat", "Sec-WebSocket-Protocol: wamp\r\nSec-WebSocket-Protocol: chat.v1\r\n"),
             try Self.handshake(port: port, path: "/ws/chat", ""))
        }
        #expect(Self.header("Sec-WebSocket-Protocol", in: second.head) == ["chat.v2"])
        #expect(second.firstMessage == "protocol=chat.v2")
        #expect(Self.header("Sec-WebSocket-Protocol", in: repeated.head) == ["chat.v1"])
        #expect(repeated.firstMessage == "protocol=chat.v1")
        #expect(none.head.hasPrefix("HTTP/1.1 101"))
        #expect(Self.header("Sec-WebSocket-Protocol", in: none.head).isEmpty)
        #expect(none.firstMessage == "protocol=nil")
    }

    @Test func offersTheRouteDoesNotSpeakStillUpgradeWithoutTheHeaderAndAreLogged() async throws {
        let lines = LogLines()
        let server = try await MainActor.run { try Self.start(lines: lines) }
        defer { server.stopNow() }
        let port = await server.port
        let (plain, noOverlap) = try await offMain {
            (try Self.handshake(port: port, path: "/ws/plain", "Sec-WebSocket-Protocol: chat.v1\r\n"),
             try Self.handshake(port: port, path: "/ws/chat", "Sec-WebSocket-Protocol: chat.v3\r\n"))
        }
        #expect(plain.head.hasPrefix("HTTP/1.1 101") && plain.firstMessage == "protocol=nil")
        #expect(Self.header("Sec-WebSocket-Protocol", in: plain.head).isEmpty)
        #expect(noOverlap.head.hasPrefix("HTTP/1.1 101") && noOverlap.firstMessage == "protocol=nil")
        let logged = lines.all.filter { $0.contains("offered subprotocols") }
        #expect(logged.count == 2)
        #expect(logged.first?.contains("client offered subprotocols chat.v1 but /ws/plain supports none") == true)
        #expect(logged.first?.contains("browsers then fail the connection") == true)
        #expect(logged.last?.contains("client offered subprotocols chat.v3 but /ws/chat supports chat.v1, chat.v2") == true)
    }

    @Test func anOfferThatIsNotATokenIs400() async throws {
        let server = try await MainActor.run { try Self.start(lines: LogLines()) }
        defer { server.stopNow() }
        let port = await server.port
        let reply = try await offMain { try Self.handshake(port: port, path: "/ws/chat", "Sec-WebSocket-Protocol: chat v1\r\n") }
        #expect(reply.head.hasPrefix("HTTP/1.1 400"))
    }
}
