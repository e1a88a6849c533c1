import Testing
@testable import Tina4

extension Response {
    /// What the server writes for this response, head and (when it is sent) body, in one array.
    fileprivate func serialized(omitBody: Bool, persistence: Persistence, date: String) -> [UInt8] {
        let bytes = HTTPResponseBytes(self, omitBody: omitBody, persistence: persistence, date: date)
        return bytes.head.bytes + (bytes.body?.bytes ?? [])
    }
}

/// The bytes of a response head, and the parser's memory of the head of a failed request.
@Suite struct HTTPResponseSerializationTests {
    static func head(_ response: Response, _ persistence: Response.Persistence) -> String {
        String(decoding: response.serializedHead(persistence: persistence, date: "Sun, 06 Nov 1994 08:49:37 GMT"), as: UTF8.self)
    }

    @Test func persistenceDecidesTheConnectionHeader() {
        let response = Response().text("hi")
        #expect(!Self.head(response, .persistent).contains("Connection:"))
        #expect(Self.head(response, .keepAlive).contains("\r\nConnection: keep-alive\r\n"))
        #expect(Self.head(response, .close).contains("\r\nConnection: close\r\n"))
    }

    @Test func aHandlersConnectionOptionsAreKeptButPersistenceIsTheServers() {
        let upgrade = Response(status: 426).header("Connection", "Upgrade")
        #expect(Self.head(upgrade, .persistent).contains("\r\nConnection: Upgrade\r\n"))
        #expect(Self.head(upgrade, .close).contains("\r\nConnection: Upgrade, close\r\n"))
        let liar = Response().header("Connection", "close, keep-alive")
        #expect(!Self.head(liar, .persistent).contains("Connection:"), "the server, not the handler, decides")
    }

    @Test func theHeadEndsWithAnEmptyLineAndTheBodyFollowsUnlessOmitted() {
        let response = Response().text("hello")
        let full = String(decoding: response.serialized(omitBody: false, persistence: .persistent, date: "d"), as: UTF8.self)
        let head = String(decoding: response.serialized(omitBody: true, persistence: .persistent, date: "d"), as: UTF8.self)
        #expect(full.hasSuffix("\r\nContent-Length: 5\r\nDate: d\r\nServer: Tina4 Swift\r\n\r\nhello"))
        #expect(head == String(full.dropLast(5)))
        #expect(!Response(status: 304).sendsBody(omitBody: false))
        #expect(!Response().text("x").sendsBody(omitBody: true))
    }
}

@Suite struct HTTPParserCurrentHeadTests {
    @Test func theHeadOfARequestThatFailsAfterItsHeadIsKept() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 10))
        parser.append(HTTPTestSupport.bytes("POST /api/x HTTP/1.1\r\nHost: a\r\nAccept: application/json\r\nContent-Length: 11\r\n\r\n"))
        #expect(parser.nextResult() == .failure(HTTPParseError(status: 413, reason: "Content-Length exceeds the 10-byte body limit")))
        #expect(parser.currentHead?.headers["Accept"] == "application/json")
        #expect(parser.currentHead?.path == "/api/x")
    }

    @Test func aBadChunkKeepsTheHeadOfItsRequest() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes("POST /c HTTP/1.1\r\nHost: a\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n"))
        #expect(parser.nextResult().isFailure)
        #expect(parser.currentHead?.target == "/c")
    }

    @Test func thereIsNoHeadBeforeOneParsesOrAfterItsRequestIsReturned() {
        var parser = HTTPRequestParser()
        parser.append(HTTPTestSupport.bytes("GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"))
        #expect(parser.currentHead == nil)
        guard case .success(.request(let first)) = parser.nextResult() else {
            Issue.record("the first request did not parse")
            return
        }
        #expect(first.head.target == "/one")
        #expect(parser.currentHead == nil)
        #expect(parser.nextResult().isFailure)
        #expect(parser.currentHead == nil, "the error is in the head itself")
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
