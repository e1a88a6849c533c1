import Testing
@testable import Tina4

/// Where a request finds its handler, without a socket: route first, body second, then 405,
/// 426, static files, 404.
@MainActor @Suite struct HTTPDispatcherTests {
    static func dispatcher() -> HTTPDispatcher {
        let routes = RouteTable()
        routes.post("/api/orders") { request, response in response.json(JSON.object(["got": request.body])) }
        routes.get("/only-get") { _, response in response.text("got") }
        routes.websocket("/ws") { _, _, _ in }
        return HTTPDispatcher(routes: routes, staticFiles: nil, log: Log(minimum: .error))
    }

    static func parse(_ text: String) throws -> ParsedRequest {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        guard case .request(let request)? = try parser.next() else { throw TestFailure("incomplete request") }
        return request
    }

    static func post(_ path: String, json body: String) throws -> ParsedRequest {
        try parse("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }

    func status(_ outcome: HTTPDispatcher.Outcome) -> Int? {
        if case .respond(let response, _) = outcome { return response.status }
        return nil
    }

    @Test func aMalformedJSONBodyToAnUnknownPathIs404NotA400() throws {
        #expect(status(Self.dispatcher().dispatch(try Self.post("/api/nowhere", json: "{bad"))) == 404)
    }

    @Test func aMalformedJSONBodyToARealRouteIs400() throws {
        let outcome = Self.dispatcher().dispatch(try Self.post("/api/orders", json: "{bad"))
        guard case .respond(let response, let close) = outcome else { Issue.record("no response"); return }
        #expect(response.status == 400)
        #expect(close == false, "a bad body does not end a well-framed connection")
        #expect(String(decoding: response.body, as: UTF8.self).contains("invalid JSON body"))
    }

    @Test func aGoodBodyReachesTheHandler() throws {
        let outcome = Self.dispatcher().dispatch(try Self.post("/api/orders", json: "{\"n\":1}"))
        guard case .respond(let response, _) = outcome else { Issue.record("no response"); return }
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"got\":{\"n\":1}}")
    }

    @Test func aWrongMethodIs405WithAllowWhateverTheBody() throws {
        let outcome = Self.dispatcher().dispatch(try Self.post("/only-get", json: "{bad"))
        guard case .respond(let response, _) = outcome else { Issue.record("no response"); return }
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD")
    }

    @Test func aPlainGetOfAWebSocketOnlyPathIs426() throws {
        let outcome = Self.dispatcher().dispatch(try Self.parse("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n"))
        guard case .respond(let response, let close) = outcome else { Issue.record("no response"); return }
        #expect(response.status == 426)
        #expect(close == false)
    }

    @Test func aValidHandshakeUpgradesAndABadOneIsRejectedAndCloses() throws {
        let good = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard case .upgrade(let upgrade) = Self.dispatcher().dispatch(try Self.parse(good)) else { Issue.record("no upgrade"); return }
        #expect(String(decoding: upgrade.response, as: UTF8.self).contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))

        let bad = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard case .respond(let response, let close) = Self.dispatcher().dispatch(try Self.parse(bad)) else { Issue.record("no rejection"); return }
        #expect(response.status == 400)
        #expect(close)
    }

    @Test func anUpgradeToAPathWithoutAWebSocketRouteIs404AndCloses() throws {
        let request = "GET /nope HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard case .respond(let response, let close) = Self.dispatcher().dispatch(try Self.parse(request)) else { Issue.record("no response"); return }
        #expect(response.status == 404)
        #expect(close)
    }

    @Test func errorsAreJSONWhenTheClientAsks() throws {
        let json = try Self.parse("GET /missing HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n")
        guard case .respond(let response, _) = Self.dispatcher().dispatch(json) else { Issue.record("no response"); return }
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        let html = try Self.parse("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        guard case .respond(let page, _) = Self.dispatcher().dispatch(html) else { Issue.record("no response"); return }
        #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
    }
}
