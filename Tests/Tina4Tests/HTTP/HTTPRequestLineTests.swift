import Testing
@testable import Tina4

@Suite struct HTTPRequestLineTests {
    @Test func parsesASimpleRequest() throws {
        let request = try #require(HTTPTestSupport.parseOne("GET /a%20b?x=1&y HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(request.head.method == "GET")
        #expect(request.head.target == "/a%20b?x=1&y")
        #expect(request.head.version == .http1_1)
        #expect(request.head.path == "/a%20b")
        #expect(request.head.rawQuery == "x=1&y")
        #expect(request.head.headers == HTTPHeaders([("Host", "example.com")]))
        #expect(request.body.isEmpty)
    }

    @Test func pathAndQueryEdgeCases() throws {
        let bare = try #require(HTTPTestSupport.parseOne("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(bare.head.path == "/")
        #expect(bare.head.rawQuery == nil)
        let emptyQuery = try #require(HTTPTestSupport.parseOne("GET /p? HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(emptyQuery.head.path == "/p")
        #expect(emptyQuery.head.rawQuery == "")
        let twoMarks = try #require(HTTPTestSupport.parseOne("GET /p?a=?b HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(twoMarks.head.rawQuery == "a=?b")
    }

    @Test func methodIsCaseSensitiveToken() throws {
        let request = try #require(HTTPTestSupport.parseOne("get / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(request.head.method == "get")
        let custom = try #require(HTTPTestSupport.parseOne("M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(custom.head.method == "M-SEARCH")
    }

    @Test func http10NeedsNoHost() throws {
        let request = try #require(HTTPTestSupport.parseOne("GET /old HTTP/1.0\r\n\r\n"))
        #expect(request.head.version == .http1_0)
        #expect(request.head.headers.count == 0)
    }

    @Test func asteriskFormForOptions() throws {
        let request = try #require(HTTPTestSupport.parseOne("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(request.head.target == "*")
        #expect(request.head.path == "*")
    }

    @Test func absoluteFormIsReducedAndReplacesHost() throws {
        let request = try #require(HTTPTestSupport.parseOne("GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: other\r\n\r\n"))
        #expect(request.head.target == "/p/q?x=1")
        #expect(request.head.path == "/p/q")
        #expect(request.head.headers["Host"] == "example.com:8080")
        #expect(request.head.headers.count == 1)
        let noPath = try #require(HTTPTestSupport.parseOne("GET HTTPS://example.com?x HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(noPath.head.target == "/?x")
        let hostOnly = try #require(HTTPTestSupport.parseOne("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(hostOnly.head.target == "/")
    }

    @Test func skipsAFewLeadingEmptyLines() throws {
        let request = try #require(HTTPTestSupport.parseOne("\r\n\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(request.head.method == "GET")
        let outcome = HTTPTestSupport.run("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(outcome.error == HTTPParseError(status: 400, reason: "more than 4 empty lines before the request line"))
    }

    static let rejections: [HTTPRejection] = [
        HTTPRejection(name: "no spaces", raw: "GET\r\n\r\n", status: 400, reason: "malformed request line"),
        HTTPRejection(name: "missing version", raw: "GET /\r\nHost: a\r\n\r\n", status: 400, reason: "malformed request line"),
        HTTPRejection(name: "lowercase protocol", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "malformed HTTP version"),
        HTTPRejection(name: "two-digit minor", raw: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", status: 400, reason: "malformed HTTP version"),
        HTTPRejection(name: "trailing space", raw: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", status: 400, reason: "malformed HTTP version"),
        HTTPRejection(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505, reason: "HTTP/2.0 is not supported"),
        HTTPRejection(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", status: 505, reason: "HTTP/1.2 is not supported"),
        HTTPRejection(name: "HTTP/0.9", raw: "GET / HTTP/0.9\r\nHost: a\r\n\r\n", status: 505, reason: "HTTP/0.9 is not supported"),
        HTTPRejection(name: "method not a token", raw: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "invalid method token"),
        HTTPRejection(name: "leading space", raw: " GET / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "invalid method token"),
        HTTPRejection(name: "double space", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "whitespace in request-target"),
        HTTPRejection(name: "space in target", raw: "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "whitespace in request-target"),
        HTTPRejection(name: "tab in target", raw: "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "whitespace in request-target"),
        HTTPRejection(name: "fragment", raw: "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "fragment in request-target"),
        HTTPRejection(name: "non-ASCII target", raw: "GET /café HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "invalid byte 0xC3 in request-target"),
        HTTPRejection(name: "relative target", raw: "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "request-target must start with '/'"),
        HTTPRejection(name: "authority-form", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", status: 400, reason: "request-target must start with '/'"),
        HTTPRejection(name: "asterisk for GET", raw: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "asterisk-form request-target is only allowed for OPTIONS"),
        HTTPRejection(name: "absolute without host", raw: "GET http:///p HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, reason: "absolute-form request-target without a host"),
        HTTPRejection(name: "absolute with userinfo", raw: "GET http://u:p@h/ HTTP/1.1\r\nHost: h\r\n\r\n", status: 400, reason: "userinfo in request-target"),
        HTTPRejection(name: "TLS handshake", raw: "\u{16}\u{03}\u{01}\u{02}\u{00}", status: 400, reason: "control character 0x16 in header section"),
        HTTPRejection(name: "NUL in request line", raw: "GET /\u{0} HTTP/1.1\r\n", status: 400, reason: "NUL byte in header section"),
    ]

    @Test(arguments: rejections)
    func rejectsMalformedRequestLines(_ rejection: HTTPRejection) {
        let outcome = HTTPTestSupport.run(rejection.raw, limits: rejection.limits)
        #expect(outcome.requests.isEmpty)
        #expect(outcome.error == rejection.expected)
    }
}
