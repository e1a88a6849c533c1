import Testing
@testable import Tina4

@Suite("WebSocket client URLs")
struct WebSocketURLTests {
    @Test func parsesHostPortPathAndQuery() throws {
        let url = try WebSocketURL(parsing: "ws://example.com:7145/ws/chat?room=1&x=y")
        #expect(url == WebSocketURL(host: "example.com", port: 7145, target: "/ws/chat?room=1&x=y"))
        #expect(url.hostHeader == "example.com:7145")
    }

    @Test func defaultsPortAndPath() throws {
        #expect(try WebSocketURL(parsing: "ws://localhost") == WebSocketURL(host: "localhost", port: 80, target: "/"))
        #expect(try WebSocketURL(parsing: "WS://localhost?q=1").target == "/?q=1")
        #expect(try WebSocketURL(parsing: "ws://localhost").hostHeader == "localhost")
    }

    @Test func parsesIPv6Literals() throws {
        let url = try WebSocketURL(parsing: "ws://[::1]:9000/x")
        #expect(url.host == "::1")
        #expect(url.port == 9000)
        #expect(url.hostHeader == "[::1]:9000")
        #expect(try WebSocketURL(parsing: "ws://[fe80::1]").hostHeader == "[fe80::1]")
    }

    @Test func wssSaysTLSIsNotSupported() {
        #expect(throws: WebSocketClientError.invalidURL("wss:// needs TLS, which this client does not support; use ws://")) {
            try WebSocketURL(parsing: "wss://example.com/")
        }
    }

    @Test("rejects", arguments: ["http://x/", "ws://", "ws://:80/", "ws://host:0/", "ws://host:65536/", "ws://host:abc/",
                                 "ws://host/#frag", "ws://user@host/", "ws://[::1/", "ws://[::1]x/", "ws://host:/", "ws://::1/"])
    func rejects(text: String) {
        #expect(throws: WebSocketClientError.self) { try WebSocketURL(parsing: text) }
    }

    @Test func errorDescriptionsAreReadable() {
        #expect(WebSocketClientError.closed(code: 1000, reason: "bye").description == "connection closed by the server (1000: bye)")
        #expect(WebSocketClientError.closed(code: nil, reason: "").description == "connection closed by the server (no code)")
        #expect(WebSocketClientError.handshakeFailed(status: 426, body: "x").description == "handshake refused with HTTP 426: x")
    }
}
