import Testing
@testable import Tina4

/// Parsing and matching browser origins (RFC 6454 serialisation) and the origin policy of
/// `TINA4_WS_ALLOWED_ORIGINS`.
@Suite struct WebSocketOriginTests {
    @Test(arguments: [
        ("https://example.com", "https://example.com"),
        ("HTTPS://Example.COM", "https://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("http://localhost:7149", "http://localhost:7149"),
        ("https://example.com:80", "https://example.com:80"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://127.0.0.1", "http://127.0.0.1"),
        ("chrome-extension://abcdef", "chrome-extension://abcdef"),
    ])
    func parsesAndSerialises(_ text: String, _ serialised: String) throws {
        #expect(try #require(WebSocketOrigin(parsing: text)).description == serialised)
    }

    @Test(arguments: ["null", "", "example.com", "https://", "https://example.com/", "https://example.com/path",
                      "https://user@example.com", "https://example.com:", "https://example.com:99999", "https://example.com:8o",
                      "https://exa mple.com", "1http://example.com", "https://[::1", "https://[zz]", "https://ex\u{212A}ample.com"])
    func refusesWhatIsNotAnOrigin(_ text: String) {
        #expect(WebSocketOrigin(parsing: text) == nil)
    }

    @Test func comparesSchemeHostAndPortIgnoringASCIICase() {
        #expect(WebSocketOrigin(parsing: "HTTP://LOCALHOST:7149") == WebSocketOrigin(parsing: "http://localhost:7149"))
        #expect(WebSocketOrigin(parsing: "http://localhost:7149") != WebSocketOrigin(parsing: "http://127.0.0.1:7149"))
        #expect(WebSocketOrigin(parsing: "http://example.com") != WebSocketOrigin(parsing: "https://example.com"))
        #expect(WebSocketOrigin(parsing: "https://example.com") != WebSocketOrigin(parsing: "https://example.com:8443"))
    }

    @Test func matchesAHostHeaderWithTheSchemesDefaultPort() throws {
        let plain = try #require(WebSocketOrigin(parsing: "http://localhost:7149"))
        #expect(plain.matches(hostHeader: "localhost:7149"))
        #expect(plain.matches(hostHeader: "LocalHost:7149"))
        #expect(!plain.matches(hostHeader: "localhost:7150"))
        #expect(!plain.matches(hostHeader: "127.0.0.1:7149"))
        #expect(!plain.matches(hostHeader: "localhost"))
        let secure = try #require(WebSocketOrigin(parsing: "https://example.com"))
        #expect(secure.matches(hostHeader: "example.com"))
        #expect(secure.matches(hostHeader: "example.com:443"))
        #expect(!secure.matches(hostHeader: "example.com:80"))
        #expect(!secure.matches(hostHeader: "example.com.evil.test"))
    }

    @Test func aListParsesOriginsAndSameOrigin() throws {
        let policy = try WebSocketOriginPolicy(parsing: " https://example.com ,SAME-ORIGIN,, http://localhost:3000")
        #expect(policy.allowsSameOrigin)
        #expect(policy.origins == [WebSocketOrigin(parsing: "https://example.com")!, WebSocketOrigin(parsing: "http://localhost:3000")!])
        #expect(throws: WebSocketOriginPolicy.InvalidElement.self) { try WebSocketOriginPolicy(parsing: "https://example.com, *") }
        #expect(throws: WebSocketOriginPolicy.InvalidElement.self) { try WebSocketOriginPolicy(parsing: " , ") }
    }

    /// Headers as a lookup, the way the dispatcher hands them to the policy.
    private func allows(_ policy: WebSocketOriginPolicy, _ fields: [(String, String)]) -> Bool {
        let headers = HTTPHeaders(fields)
        return policy.allows { headers.values($0) }
    }

    @Test func aListAllowsItsOriginsAndClientsWithoutOriginOnly() throws {
        let policy = try WebSocketOriginPolicy(parsing: "https://example.com")
        #expect(allows(policy, [("Host", "h"), ("Origin", "https://example.com")]))
        #expect(allows(policy, [("Host", "h"), ("Origin", "https://EXAMPLE.com:443")]))
        #expect(allows(policy, [("Host", "h")]))                                  // tina4 listen, curl
        #expect(!allows(policy, [("Host", "h"), ("Origin", "https://evil.example")]))
        #expect(!allows(policy, [("Host", "h"), ("Origin", "null")]))
        #expect(!allows(policy, [("Host", "h"), ("Origin", "https://example.com.evil.example")]))
        #expect(!allows(policy, [("Host", "h"), ("Origin", "https://example.com"), ("Origin", "https://evil.example")]))
        #expect(!allows(policy, [("Host", "example.com"), ("Origin", "https://evil.example")]))   // not same-origin mode
    }

    @Test func sameOriginComparesWithHostOrTheFirstForwardedHost() throws {
        let policy = try WebSocketOriginPolicy(parsing: "same-origin")
        #expect(allows(policy, [("Host", "localhost:7149"), ("Origin", "http://localhost:7149")]))
        #expect(!allows(policy, [("Host", "localhost:7149"), ("Origin", "http://127.0.0.1:7149")]))
        #expect(!allows(policy, [("Host", "localhost:7149"), ("Origin", "null")]))
        // Behind nginx: Host is the upstream, X-Forwarded-Host what the browser asked for.
        #expect(allows(policy, [("Host", "127.0.0.1:7149"), ("X-Forwarded-Host", "chat.example.com, proxy.internal"),
                                ("Origin", "https://chat.example.com")]))
        #expect(!allows(policy, [("Host", "chat.example.com"), ("X-Forwarded-Host", "other.example.com"),
                                 ("Origin", "https://chat.example.com")]))
    }
}
