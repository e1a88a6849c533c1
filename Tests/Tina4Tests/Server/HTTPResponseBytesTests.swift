import Testing
@testable import Tina4

/// Responses serialized straight into the bytes that are queued: the head (its exact bytes are
/// checked in HTTPResponseSerializationTests), then the body when it is sent; one buffer for a
/// small response, the body's only copy for a big one.
@MainActor @Suite struct HTTPResponseBytesTests {
    static let responses: [Response] = [
        Response().text("hello"),
        Response().json(["a": 1]),
        Response(status: 204),
        Response(status: 304, headers: HTTPHeaders([("ETag", "\"x\"")])),
        Response(status: 101, headers: HTTPHeaders([("Upgrade", "websocket")])),
        Response().text("x").header("Connection", "Upgrade, close , keep-alive,,  X-Custom\t"),
        Response().text("x").header("connection", "CLOSE"),
        Response().text("x").header("Date", "Mon, 01 Jan 2001 00:00:00 GMT").header("server", "mine"),
        Response().text("x").header("content-length", "1"),
        Response(status: 599).text("odd status"),
        Response(status: -7),
        Response().text("é ünïcödé").header("X-Wörd", "välue"),
        Response(status: 200, body: [UInt8](repeating: 0x61, count: HTTPResponseBytes.inlineBodyLimit)),
        Response(status: 200, body: [UInt8](repeating: 0x62, count: HTTPResponseBytes.inlineBodyLimit + 1)),
    ]

    @Test(arguments: [false, true], [Response.Persistence.persistent, .keepAlive, .close])
    func theBodyFollowsTheHeadWhenItIsSent(omitBody: Bool, persistence: Response.Persistence) {
        for response in Self.responses {
            let bytes = HTTPResponseBytes(response, omitBody: omitBody, persistence: persistence, date: "Thu, 03 Dec 2026 14:00:00 GMT")
            let head = response.serializedHead(persistence: persistence, date: "Thu, 03 Dec 2026 14:00:00 GMT")
            let body = response.sendsBody(omitBody: omitBody) ? response.body : []
            #expect(bytes.head.bytes + (bytes.body?.bytes ?? []) == head + body, "status \(response.status)")
        }
    }

    @Test func aSmallResponseIsOneBufferAndABigBodyIsItsOwn() {
        let small = HTTPResponseBytes(Response().text("hi"), omitBody: false, persistence: .persistent, date: "D")
        #expect(small.body == nil)
        #expect(String(decoding: small.head.bytes, as: UTF8.self).hasSuffix("\r\n\r\nhi"))

        let body = [UInt8](repeating: 7, count: 100_000)
        let big = HTTPResponseBytes(Response(body: body), omitBody: false, persistence: .persistent, date: "D")
        #expect(big.body?.count == body.count)
        #expect(String(decoding: big.head.bytes, as: UTF8.self).hasSuffix("Content-Length: 100000\r\nDate: D\r\nServer: Tina4 Swift\r\n\r\n"))

        let head = HTTPResponseBytes(Response(body: body), omitBody: true, persistence: .persistent, date: "D")
        #expect(head.body == nil, "HEAD: no body buffer at all")
    }
}
