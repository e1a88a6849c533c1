import Testing
@testable import Tina4

@Suite struct HTTPLimitsTests {
    /// A GET whose head is exactly `size` bytes (request line through the final CRLF).
    static func head(ofSize size: Int) -> String {
        let fixed = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n"
        return "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "p", count: size - fixed.utf8.count) + "\r\n\r\n"
    }

    @Test func defaultHeaderByteLimitIsInclusive() {
        let atLimit = Self.head(ofSize: 16 * 1024)
        #expect(atLimit.utf8.count == 16384)
        #expect(HTTPTestSupport.run(atLimit).requests.count == 1)
        let over = HTTPTestSupport.run(Self.head(ofSize: 16 * 1024 + 1))
        #expect(over.error == HTTPParseError(status: 431, reason: "header block exceeds 16384 bytes"))
    }

    @Test func headerByteLimitFailsBeforeTheTerminatorArrives() {
        let limits = HTTPParserLimits(maxHeaderBytes: 100)
        let endless = HTTPTestSupport.bytes("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 200))
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(endless[..<100]))
        #expect(parser.nextResult() == .success(nil), "100 bytes may still be a valid head")
        parser.append([endless[100]])
        #expect(parser.nextResult() == .failure(HTTPParseError(status: 431, reason: "header block exceeds 100 bytes")))
    }

    @Test func overlongRequestLineIs414() {
        let limits = HTTPParserLimits(maxHeaderBytes: 64)
        let line = "GET /" + String(repeating: "a", count: 54) + " HTTP/1.1\r\n"
        #expect(line.utf8.count == 70)
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(HTTPTestSupport.bytes(line)[..<64]))
        #expect(parser.nextResult() == .success(nil))
        parser.append(Array(HTTPTestSupport.bytes(line)[64...]))
        #expect(parser.nextResult() == .failure(HTTPParseError(status: 414, reason: "request line exceeds 64 bytes")))
        // A request line that fits, followed by too many header bytes, is 431.
        let headers = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 64) + "\r\n\r\n"
        #expect(HTTPTestSupport.run(headers, limits: limits).error == HTTPParseError(status: 431, reason: "header block exceeds 64 bytes"))
    }

    @Test func headerByteLimitWithLeadingEmptyLinesAndBareLF() {
        let limits = HTTPParserLimits(maxHeaderBytes: 28)
        let head = "GET / HTTP/1.1\nHost: a\nX: \n\n"
        #expect(head.utf8.count == 28)
        #expect(HTTPTestSupport.run("\r\n\r\n" + head, limits: limits).requests.count == 1)
        let over = HTTPTestSupport.run("GET / HTTP/1.1\nHost: a\nX: 1\n\n", limits: limits)
        #expect(over.error?.status == 431)
    }

    @Test func headerCountLimitIsInclusive() {
        let fields = (1..<100).map { "X-\($0): v\r\n" }.joined()
        let atLimit = HTTPTestSupport.run("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n")
        #expect(atLimit.requests.first?.head.headers.count == 100)
        let over = HTTPTestSupport.run("GET / HTTP/1.1\r\nHost: a\r\nExtra: 1\r\n" + fields + "\r\n")
        #expect(over.error == HTTPParseError(status: 431, reason: "more than 100 header fields"))
    }

    @Test func contentLengthLimitIsInclusiveAndFailsBeforeTheBody() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        let atLimit = HTTPTestSupport.run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)
        #expect(atLimit.requests.first?.body.count == 10)
        // Only the head is sent: the error must not wait for body bytes.
        let over = HTTPTestSupport.run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits)
        #expect(over.error == HTTPParseError(status: 413, reason: "Content-Length exceeds the 10-byte body limit"))
    }

    @Test func chunkedBodyLimitIsInclusiveAndFailsAtTheChunkSize() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        let atLimit = HTTPTestSupport.run(head + "4\r\nabcd\r\n6\r\nefghij\r\n0\r\n\r\n", limits: limits)
        #expect(atLimit.requests.first?.body == HTTPTestSupport.bytes("abcdefghij"))
        // The second chunk's size line alone is enough to fail.
        let over = HTTPTestSupport.run(head + "4\r\nabcd\r\n7\r\n", limits: limits)
        #expect(over.error == HTTPParseError(status: 413, reason: "chunked body exceeds the 10-byte body limit"))
    }

    @Test func trailersCountTowardTheHeaderByteLimit() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        let trailer = "X-Sum: 12\r\n"
        let body = "1\r\nz\r\n0\r\n" + trailer + "\r\n"
        let exact = HTTPParserLimits(maxHeaderBytes: head.utf8.count + trailer.utf8.count)
        #expect(HTTPTestSupport.run(head + body, limits: exact).requests.count == 1)
        let short = HTTPParserLimits(maxHeaderBytes: head.utf8.count + trailer.utf8.count - 1)
        #expect(HTTPTestSupport.run(head + body, limits: short).error
            == HTTPParseError(status: 431, reason: "header block with trailers exceeds \(short.maxHeaderBytes) bytes"))
        // With no trailers, a head exactly at the limit still completes its body.
        let headOnly = HTTPParserLimits(maxHeaderBytes: head.utf8.count)
        #expect(HTTPTestSupport.run(head + "1\r\nz\r\n0\r\n\r\n", limits: headOnly).requests.count == 1)
    }

    @Test func trailersCountTowardTheHeaderCountLimit() {
        let limits = HTTPParserLimits(maxHeaderCount: 3)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        #expect(HTTPTestSupport.run(head + "A: 1\r\n\r\n", limits: limits).requests.count == 1)
        #expect(HTTPTestSupport.run(head + "A: 1\r\nB: 2\r\n\r\n", limits: limits).error
            == HTTPParseError(status: 431, reason: "more than 3 header fields including trailers"))
    }

    @Test func chunkSizeLineLimit() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        let exact = "1;" + String(repeating: "x", count: 4092) + "\r\n"
        #expect(exact.utf8.count == HTTPChunkedDecoder.maxChunkLineBytes)
        #expect(HTTPTestSupport.run(head + exact + "z\r\n0\r\n\r\n").requests.count == 1)
        let over = "1;" + String(repeating: "x", count: 4093) + "\r\n"
        #expect(HTTPTestSupport.run(head + over + "z\r\n0\r\n\r\n").error
            == HTTPParseError(status: 400, reason: "chunk size line exceeds 4096 bytes"))
    }
}
