import Testing
@testable import Tina4

@Suite struct HTTPStreamingTests {
    static let pipeline = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
        + "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        + "PUT /three?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"

    /// Inputs whose outcome must not depend on how they are split; some end in errors.
    static let samples: [String] = [
        pipeline,
        "\r\nGET / HTTP/1.1\nHost: a\n\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\nBad\u{1}: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\rb\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET / HTTP/9.9\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
    ]

    @Test func pipelinedRequestsComeOutInOrder() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes(Self.pipeline))
        var requests: [ParsedRequest] = []
        while case .success(.request(let request)?) = parser.nextResult() { requests.append(request) }
        #expect(requests.map(\.head.target) == ["/one", "/two", "/three?x=1"])
        #expect(requests.map(\.body) == [[], HTTPTestSupport.bytes("hello"), HTTPTestSupport.bytes("abcde")])
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.nextResult() == .success(nil))
    }

    @Test(arguments: samples)
    func byteByByteMatchesOneShot(_ sample: String) {
        let bytes = HTTPTestSupport.bytes(sample)
        let whole = HTTPTestSupport.run([bytes]).withoutContinues
        #expect(HTTPTestSupport.runByteByByte(bytes).withoutContinues == whole)
    }

    @Test(arguments: samples)
    func everyTwoWaySplitMatchesOneShot(_ sample: String) {
        let bytes = HTTPTestSupport.bytes(sample)
        let whole = HTTPTestSupport.run([bytes]).withoutContinues
        for cut in 0...bytes.count {
            let split = HTTPTestSupport.run([Array(bytes[..<cut]), Array(bytes[cut...])]).withoutContinues
            #expect(split == whole, "split at \(cut)")
        }
    }

    @Test func randomSplitsMatchOneShot() {
        var rng = SplitMix64(seed: 42)
        for sample in Self.samples {
            let bytes = HTTPTestSupport.bytes(sample)
            let whole = HTTPTestSupport.run([bytes]).withoutContinues
            for _ in 0..<100 {
                let pieces = HTTPTestSupport.randomSplits(bytes, maxPiece: 9, using: &rng)
                #expect(HTTPTestSupport.run(pieces).withoutContinues == whole)
            }
        }
    }

    @Test func sampleOutcomes() {
        let outcomes = Self.samples.map { HTTPTestSupport.run($0).withoutContinues }
        #expect(outcomes.map(\.requests.count) == [3, 2, 2, 1, 1, 1, 0])
        #expect(outcomes.map { $0.error?.status } == [nil, nil, nil, 400, 400, 505, 400])
    }

    @Test func keepAliveSemantics() throws {
        func keepAlive(_ version: String, _ connection: String?) throws -> Bool {
            let header = connection.map { "Connection: \($0)\r\n" } ?? ""
            let request = try #require(HTTPTestSupport.parseOne("GET / \(version)\r\nHost: a\r\n\(header)\r\n"))
            return request.head.keepAlive
        }
        #expect(try keepAlive("HTTP/1.1", nil))
        #expect(try keepAlive("HTTP/1.1", "keep-alive"))
        #expect(try keepAlive("HTTP/1.1", "Upgrade"))
        #expect(try !keepAlive("HTTP/1.1", "close"))
        #expect(try !keepAlive("HTTP/1.1", "Upgrade, CLOSE"))
        #expect(try !keepAlive("HTTP/1.0", nil))
        #expect(try keepAlive("HTTP/1.0", "Keep-Alive"))
        #expect(try keepAlive("HTTP/1.0", "foo ,keep-alive"))
        #expect(try !keepAlive("HTTP/1.0", "keep-alive, close"))
    }

    @Test func remainingBytesAfterUpgrade() {
        var parser = HTTPRequestParser()
        let frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        parser.append(HTTPTestSupport.bytes("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n") + frame)
        guard case .success(.request(let request)?) = parser.nextResult() else {
            Issue.record("expected the upgrade request")
            return
        }
        #expect(request.head.headers.containsToken("websocket", in: "Upgrade"))
        #expect(parser.bufferedByteCount == frame.count)
        #expect(parser.takeRemainingBytes() == frame)
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.takeRemainingBytes().isEmpty)
    }

    @Test func errorsAreSticky() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes("BAD\r\n\r\n"))
        let error = HTTPParseError(status: 400, reason: "malformed request line")
        #expect(parser.nextResult() == .failure(error))
        parser.append(HTTPTestSupport.bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(parser.nextResult() == .failure(error))
        #expect(parser.nextResult() == .failure(error))
    }

    @Test func appendsFromRawBufferPointers() {
        var parser = HTTPRequestParser()
        let bytes = HTTPTestSupport.bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        bytes.withUnsafeBytes { raw in
            parser.append(UnsafeRawBufferPointer(rebasing: raw[..<10]))
            parser.append(UnsafeRawBufferPointer(rebasing: raw[10...]))
        }
        guard case .success(.request(let request)?) = parser.nextResult() else {
            Issue.record("expected a request")
            return
        }
        #expect(request.head.target == "/")
    }

    @Test func manyPipelinedRequestsInSmallReads() {
        let one = HTTPTestSupport.bytes("POST /n HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz")
        let stream = Array((0..<500).map { _ in one }.joined())
        var parser = HTTPRequestParser()
        var count = 0
        var offset = 0
        while offset < stream.count {
            let end = min(offset + 7, stream.count)
            parser.append(Array(stream[offset..<end]))
            offset = end
            while case .success(.request(let request)?) = parser.nextResult() {
                #expect(request.body == HTTPTestSupport.bytes("xyz"))
                count += 1
            }
            #expect(parser.bufferedByteCount < one.count)
        }
        #expect(count == 500)
    }

    @Test func bulkAppendOfManyRequests() {
        let one = HTTPTestSupport.bytes("GET /n HTTP/1.1\r\nHost: a\r\n\r\n")
        var parser = HTTPRequestParser()
        parser.append(Array((0..<1000).map { _ in one }.joined()))
        var count = 0
        while case .success(.request?) = parser.nextResult() { count += 1 }
        #expect(count == 1000)
        #expect(parser.bufferedByteCount == 0)
    }
}
