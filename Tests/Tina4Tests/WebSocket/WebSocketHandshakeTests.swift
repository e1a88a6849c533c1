import Testing
@testable import Tina4

@Suite("WebSocket opening handshake")
struct WebSocketHandshakeTests {
    static let goodHeaders: [(String, String)] = [
        ("Host", "server.example.com"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
    ]

    static func validate(_ headers: [(String, String)], method: String = "GET", major: Int = 1, minor: Int = 1) -> Result<String, WebSocketHandshakeRejection> {
        WebSocketHandshake.validate(method: method, versionMajor: major, versionMinor: minor) { name in
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    static func replacing(_ name: String, with values: [String]) -> [(String, String)] {
        goodHeaders.filter { $0.0 != name } + values.map { (name, $0) }
    }

    static func status(_ result: Result<String, WebSocketHandshakeRejection>) -> Int? {
        if case .failure(let rejection) = result { return rejection.status }
        return nil
    }

    /// The sample from RFC 6455 §1.3 (checked against an independent SHA-1 + base64).
    @Test func rfcSampleKey() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(Self.validate(Self.goodHeaders) == .success("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
    }

    @Test func tokenListsAndCaseAreAccepted() {
        var headers = Self.replacing("Connection", with: ["keep-alive, Upgrade"])
        headers = headers.filter { $0.0 != "Upgrade" } + [("upgrade", "WebSocket")]
        #expect(Self.validate(headers) == .success("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        #expect(Self.validate(Self.replacing("Connection", with: ["keep-alive", " upgrade "])) == .success("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        #expect(Self.validate(Self.goodHeaders, major: 2, minor: 0) == .success("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
    }

    @Test func methodOtherThanGETIs405WithAllow() {
        let expected = WebSocketHandshakeRejection(status: 405, headers: [("Allow", "GET")], message: "WebSocket upgrade requires GET")
        #expect(Self.validate(Self.goodHeaders, method: "POST") == .failure(expected))
    }

    @Test func http10Is400() {
        #expect(Self.status(Self.validate(Self.goodHeaders, major: 1, minor: 0)) == 400)
        #expect(Self.status(Self.validate(Self.goodHeaders, major: 0, minor: 9)) == 400)
    }

    @Test func missingHostIs400() {
        #expect(Self.status(Self.validate(Self.replacing("Host", with: []))) == 400)
    }

    @Test func missingUpgradeIs426AndNamesWebSocket() {
        guard case .failure(let rejection) = Self.validate(Self.replacing("Upgrade", with: [])) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.status == 426)
        #expect(rejection.headers.contains { $0.0 == "Upgrade" && $0.1 == "websocket" })
    }

    @Test func upgradeToSomethingElseIs400() {
        #expect(Self.status(Self.validate(Self.replacing("Upgrade", with: ["h2c"]))) == 400)
        #expect(Self.status(Self.validate(Self.replacing("Upgrade", with: ["websockets"]))) == 400)
    }

    @Test func connectionWithoutUpgradeIs400() {
        #expect(Self.status(Self.validate(Self.replacing("Connection", with: ["keep-alive"]))) == 400)
        #expect(Self.status(Self.validate(Self.replacing("Connection", with: []))) == 400)
        #expect(Self.status(Self.validate(Self.replacing("Connection", with: ["upgraded"]))) == 400)
    }

    @Test("bad Sec-WebSocket-Key is 400", arguments: [
        [], ["dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=="], ["dGhlIHNhbXBsZSBub25jZQ"],
        ["c2hvcnQ="], ["dGhlIHNhbXBsZSBub25jZSEh"], ["not base64 at all!!!!!!"], [""],
    ])
    func badKeys(keys: [String]) {
        #expect(Self.status(Self.validate(Self.replacing("Sec-WebSocket-Key", with: keys))) == 400)
    }

    @Test("wrong or missing version is 426 with Sec-WebSocket-Version: 13", arguments: [[], ["8"], ["13", "8"], ["14"], ["13, 8"]])
    func badVersions(versions: [String]) {
        let expected = WebSocketHandshakeRejection(status: 426, headers: [("Sec-WebSocket-Version", "13")],
                                                   message: "unsupported Sec-WebSocket-Version: this server speaks 13")
        #expect(Self.validate(Self.replacing("Sec-WebSocket-Version", with: versions)) == .failure(expected))
    }

    @Test func switchingProtocolsResponseBytes() {
        let bytes = WebSocketHandshake.switchingProtocolsResponse(accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", extraHeaders: [("Sec-WebSocket-Protocol", "chat")])
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n")
    }

    @Test func rejectionResponseBytes() {
        let rejection = WebSocketHandshakeRejection(status: 405, headers: [("Allow", "GET")], message: "use GET")
        #expect(String(decoding: rejection.httpResponse(), as: UTF8.self) == "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 8\r\nConnection: close\r\n\r\nuse GET\n")
        #expect(rejection != WebSocketHandshakeRejection(status: 405, headers: [("Allow", "POST")], message: "use GET"))
    }
}
