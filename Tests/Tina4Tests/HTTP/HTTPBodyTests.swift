import Testing
@testable import Tina4

@Suite struct HTTPBodyTests {
    @Test func contentLengthBody() throws {
        let request = try #require(HTTPTestSupport.parseOne("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"))
        #expect(request.body == HTTPTestSupport.bytes("hello world"))
    }

    @Test func contentLengthZeroAndRepeatsThatAgree() throws {
        let zero = try #require(HTTPTestSupport.parseOne("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"))
        #expect(zero.body.isEmpty)
        let listed = try #require(HTTPTestSupport.parseOne("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabc"))
        #expect(listed.body == HTTPTestSupport.bytes("abc"))
    }

    @Test func bodyWaitsForEveryByte() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab"))
        #expect(parser.nextResult() == .success(nil))
        #expect(parser.bufferedByteCount == 2)
        parser.append(HTTPTestSupport.bytes("cd"))
        guard case .success(.request(let request)?) = parser.nextResult() else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == HTTPTestSupport.bytes("abcd"))
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        let raw = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip;q=1 , Chunked\r\n\r\n"
        // A coding other than chunked would be 501, so the request uses plain chunked below.
        #expect(HTTPTestSupport.run(raw).error?.status == 501)
        let chunked = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=value;flag\r\nhello\r\n"
            + "1 ; ext=\"quoted\"\r\n \r\n"
            + "A\r\n0123456789\r\n"
            + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
        let request = try #require(HTTPTestSupport.parseOne(chunked))
        #expect(request.body == HTTPTestSupport.bytes("hello 0123456789"))
        #expect(request.head.headers["X-Checksum"] == nil, "trailers are discarded, not merged")
    }

    @Test func chunkedWithLowercaseHexLeadingZerosAfterABareLFHead() throws {
        // The head may end its lines with a bare LF (RFC 9112 §2.2); the chunked framing may not (§7.1).
        let raw = "POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n00000b\r\nhello world\r\nff;x\r\n" + String(repeating: "z", count: 255) + "\r\n0\r\n\r\n"
        let request = try #require(HTTPTestSupport.parseOne(raw))
        #expect(request.body.count == 11 + 255)
    }

    @Test func chunkExtensionsFollowTheGrammar() throws {
        for extensions in [";a", ";a=b", " ; a = b ; c", ";a=\"q \\\" ;=\"", ";a=\"\";b=\"é\"", "\t;a\t"] {
            let raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\(extensions)\r\nhi\r\n0\r\n\r\n"
            #expect(HTTPTestSupport.parseOne(raw)?.body == HTTPTestSupport.bytes("hi"), "\(extensions)")
        }
    }

    @Test func emptyChunkedBody() throws {
        let request = try #require(HTTPTestSupport.parseOne("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        #expect(request.body.isEmpty)
    }

    @Test func expectContinueIsEmittedOnceBeforeTheBody() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes("PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n"))
        guard case .success(.expectContinue(let head)?) = parser.nextResult() else {
            Issue.record("expected expectContinue")
            return
        }
        #expect(head.target == "/f")
        #expect(parser.nextResult() == .success(nil), "emitted only once")
        parser.append(HTTPTestSupport.bytes("ab"))
        #expect(parser.nextResult() == .success(nil))
        parser.append(HTTPTestSupport.bytes("cde"))
        #expect(parser.nextResult() == .success(.request(ParsedRequest(head: head, body: HTTPTestSupport.bytes("abcde")))))
    }

    @Test func expectContinueForChunkedBody() {
        let outcome = HTTPTestSupport.run([
            HTTPTestSupport.bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HTTPTestSupport.bytes("3\r\nabc\r\n0\r\n\r\n"),
        ])
        #expect(outcome.events.count == 2)
        if case .expectContinue? = outcome.events.first {} else { Issue.record("first event should be expectContinue") }
        #expect(outcome.requests.first?.body == HTTPTestSupport.bytes("abc"))
    }

    @Test func noExpectContinueWhenNotNeeded() {
        // Body already buffered.
        let buffered = HTTPTestSupport.run("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
        #expect(buffered.events.count == 1)
        #expect(buffered.requests.count == 1)
        // No body at all.
        let empty = HTTPTestSupport.run("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")
        #expect(empty.events.count == 1)
        #expect(empty.requests.count == 1)
        // HTTP/1.0 expectations are ignored (RFC 9110 §10.1.1).
        let old = HTTPTestSupport.run("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(old.events.isEmpty)
        #expect(old.error == nil)
    }

    static let rejections: [HTTPRejection] = [
        HTTPRejection(name: "TE and CL", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", status: 400, reason: "both Transfer-Encoding and Content-Length are present"),
        HTTPRejection(name: "TE in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400, reason: "Transfer-Encoding is not allowed in HTTP/1.0 requests"),
        HTTPRejection(name: "gzip only", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400, reason: "chunked is not the final transfer coding"),
        HTTPRejection(name: "chunked not last", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400, reason: "chunked is not the final transfer coding"),
        HTTPRejection(name: "chunked twice", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400, reason: "chunked transfer coding applied more than once"),
        HTTPRejection(name: "empty coding", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", status: 400, reason: "empty transfer coding in Transfer-Encoding"),
        HTTPRejection(name: "gzip then chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501, reason: "unsupported transfer coding \"gzip\""),
        HTTPRejection(name: "CL not digits", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12a\r\n\r\n", status: 400, reason: "invalid Content-Length \"12a\""),
        HTTPRejection(name: "CL negative", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", status: 400, reason: "invalid Content-Length \"-1\""),
        HTTPRejection(name: "CL plus sign", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", status: 400, reason: "invalid Content-Length \"+1\""),
        HTTPRejection(name: "CL empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", status: 400, reason: "invalid Content-Length \"\""),
        HTTPRejection(name: "CL conflicting lines", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400, reason: "conflicting Content-Length values"),
        HTTPRejection(name: "CL conflicting list", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", status: 400, reason: "conflicting Content-Length values"),
        HTTPRejection(name: "CL huge", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", status: 413, reason: "Content-Length exceeds the 8388608-byte body limit"),
        HTTPRejection(name: "chunk size not hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", status: 400, reason: "invalid chunk size"),
        HTTPRejection(name: "chunk size signed", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", status: 400, reason: "invalid chunk size"),
        HTTPRejection(name: "chunk size junk", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", status: 400, reason: "invalid chunk size"),
        HTTPRejection(name: "chunk size overflow", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n", status: 400, reason: "chunk size overflows"),
        HTTPRejection(name: "chunk data too long", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", status: 400, reason: "chunk data not followed by CRLF"),
        HTTPRejection(name: "chunk data CR junk", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rx", status: 400, reason: "chunk data not followed by CRLF"),
        HTTPRejection(name: "bare CR in chunk line", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\rabc", status: 400, reason: "bare CR in chunk size line"),
        HTTPRejection(name: "NUL in chunk extension", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;\u{0}\r\n", status: 400, reason: "NUL byte in chunk size line"),
        HTTPRejection(name: "malformed trailer", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n", status: 400, reason: "header line without a colon"),
        HTTPRejection(name: "folded trailer", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\n 2\r\n\r\n", status: 400, reason: "obsolete line folding is not allowed"),
        HTTPRejection(name: "control in trailer", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: \u{7}\r\n\r\n", status: 400, reason: "control character 0x07 in trailer section"),
        HTTPRejection(name: "bare LF after chunk size", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", status: 400, reason: "bare LF in chunk size line (CRLF required)"),
        HTTPRejection(name: "bare LF after chunk data", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", status: 400, reason: "chunk data not followed by CRLF"),
        HTTPRejection(name: "bare LF after last chunk", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n", status: 400, reason: "bare LF in chunk size line (CRLF required)"),
        HTTPRejection(name: "bare LF after trailer", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\n\r\n", status: 400, reason: "bare LF in trailer section (CRLF required)"),
        HTTPRejection(name: "bare LF ending trailers", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n", status: 400, reason: "bare LF in trailer section (CRLF required)"),
        HTTPRejection(name: "extension without name", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;\r\nabc\r\n", status: 400, reason: "invalid chunk extension name"),
        HTTPRejection(name: "extension name not a token", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a@b\r\nabc\r\n", status: 400, reason: "invalid chunk extension"),
        HTTPRejection(name: "extension value missing", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\r\nabc\r\n", status: 400, reason: "invalid chunk extension value"),
        HTTPRejection(name: "extension quote unclosed", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\"b\r\nabc\r\n", status: 400, reason: "invalid chunk extension value"),
        HTTPRejection(name: "extension junk after value", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b c\r\nabc\r\n", status: 400, reason: "invalid chunk extension"),
        HTTPRejection(name: "other Expect", raw: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", status: 417, reason: "unsupported expectation \"200-ok\""),
        HTTPRejection(name: "Expect list with unknown", raw: "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, foo\r\n\r\n", status: 417, reason: "unsupported expectation \"foo\""),
    ]

    @Test(arguments: rejections)
    func rejectsBadFraming(_ rejection: HTTPRejection) {
        let outcome = HTTPTestSupport.run(rejection.raw, limits: rejection.limits)
        #expect(outcome.requests.isEmpty)
        #expect(outcome.error == rejection.expected)
    }
}
