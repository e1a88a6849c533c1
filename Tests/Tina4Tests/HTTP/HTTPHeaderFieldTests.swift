import Testing
@testable import Tina4

@Suite struct HTTPHeaderFieldTests {
    @Test func valuesAreTrimmedAndNamesKeepTheirCase() throws {
        let raw = "GET / HTTP/1.1\r\nhOsT: a\r\nX-Empty:\r\nX-Spaced: \t inner  value \t\r\nX-Tab:\tv\r\n\r\n"
        let request = try #require(HTTPTestSupport.parseOne(raw))
        let headers = request.head.headers
        #expect(headers.map(\.name) == ["hOsT", "X-Empty", "X-Spaced", "X-Tab"])
        #expect(headers["host"] == "a")
        #expect(headers["x-empty"] == "")
        #expect(headers["x-spaced"] == "inner  value")
        #expect(headers["x-tab"] == "v")
    }

    @Test func repeatedHeadersStaySeparate() throws {
        let raw = "GET / HTTP/1.1\r\nHost: a\r\nAccept: a\r\nAccept: b\r\n\r\n"
        let request = try #require(HTTPTestSupport.parseOne(raw))
        #expect(request.head.headers.values("accept") == ["a", "b"])
    }

    @Test func acceptsBareLFLineEndings() throws {
        let request = try #require(HTTPTestSupport.parseOne("GET / HTTP/1.1\nHost: a\nX: 1\r\n\n"))
        #expect(request.head.headers["X"] == "1")
        #expect(request.head.headers["Host"] == "a")
    }

    @Test func acceptsObsTextInValues() throws {
        var bytes = HTTPTestSupport.bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf")
        bytes += [0xC3, 0xA9]
        bytes += HTTPTestSupport.bytes("\r\n\r\n")
        let outcome = HTTPTestSupport.run([bytes])
        #expect(outcome.error == nil)
        #expect(outcome.requests.first?.head.headers["X-Name"] == "café")
    }

    @Test func hostRules() throws {
        let http10 = try #require(HTTPTestSupport.parseOne("GET / HTTP/1.0\r\nHost: a\r\n\r\n"))
        #expect(http10.head.headers["Host"] == "a")
        let ipv6 = try #require(HTTPTestSupport.parseOne("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"))
        #expect(ipv6.head.headers["Host"] == "[::1]:8080")
        let empty = try #require(HTTPTestSupport.parseOne("GET / HTTP/1.1\r\nHost:\r\n\r\n"))
        #expect(empty.head.headers["Host"] == "")
    }

    static let rejections: [HTTPRejection] = [
        HTTPRejection(name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", status: 400, reason: "obsolete line folding is not allowed"),
        HTTPRejection(name: "obs-fold with tab", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n", status: 400, reason: "obsolete line folding is not allowed"),
        HTTPRejection(name: "space before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400, reason: "whitespace between header field name and colon"),
        HTTPRejection(name: "tab before colon", raw: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", status: 400, reason: "whitespace between header field name and colon"),
        HTTPRejection(name: "no colon", raw: "GET / HTTP/1.1\r\nHost a\r\n\r\n", status: 400, reason: "header line without a colon"),
        HTTPRejection(name: "empty name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", status: 400, reason: "empty header field name"),
        HTTPRejection(name: "bad name character", raw: "GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n", status: 400, reason: "invalid character in header field name"),
        HTTPRejection(name: "space inside name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX Y: v\r\n\r\n", status: 400, reason: "invalid character in header field name"),
        HTTPRejection(name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", status: 400, reason: "NUL byte in header section"),
        HTTPRejection(name: "control in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{1}b\r\n\r\n", status: 400, reason: "control character 0x01 in header section"),
        HTTPRejection(name: "escape in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: \u{1B}[31m\r\n\r\n", status: 400, reason: "control character 0x1B in header section"),
        HTTPRejection(name: "DEL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}\r\n\r\n", status: 400, reason: "control character 0x7F in header section"),
        HTTPRejection(name: "bare CR in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", status: 400, reason: "bare CR in header section"),
        HTTPRejection(name: "bare CR line end", raw: "GET / HTTP/1.1\rHost: a\r\n\r\n", status: 400, reason: "bare CR in header section"),
        HTTPRejection(name: "CR CR LF", raw: "GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", status: 400, reason: "bare CR in header section"),
        HTTPRejection(name: "missing Host", raw: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", status: 400, reason: "missing Host header"),
        HTTPRejection(name: "two Hosts", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", status: 400, reason: "multiple Host headers"),
        HTTPRejection(name: "two Hosts in 1.0", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", status: 400, reason: "multiple Host headers"),
        HTTPRejection(name: "Host with path", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status: 400, reason: "invalid Host header value"),
        HTTPRejection(name: "Host with space", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status: 400, reason: "invalid Host header value"),
        HTTPRejection(name: "Host with userinfo", raw: "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", status: 400, reason: "invalid Host header value"),
    ]

    @Test(arguments: rejections)
    func rejectsMalformedFields(_ rejection: HTTPRejection) {
        let outcome = HTTPTestSupport.run(rejection.raw, limits: rejection.limits)
        #expect(outcome.requests.isEmpty)
        #expect(outcome.error == rejection.expected)
    }
}
