import Testing
@testable import Tina4

/// The body is decoded only after a route matched, over real sockets: a request nobody serves is
/// a 404 (or 405) whatever its body, and a bad body to a real route is a 400 on a connection
/// that stays open.
@Suite(.serialized) struct HTTPBodyDecodingTests {
    func exchange(_ request: String, responses: Int) async throws -> [HTTPTestResponse] {
        let server = try await MainActor.run {
            try TestServer { routes, _ in
                routes.post("/api/orders") { request, response in response.json(JSON.object(["got": request.body]), status: 201) }
                routes.get("/api/orders") { _, response in response.text("list") }
            }
        }
        let port = await server.port
        let result = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            return connection.readResponses(responses)
        }
        await server.stop()
        return result
    }

    static func post(_ path: String, _ body: String) -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func aMalformedJSONPostToAnUnknownPathIs404() async throws {
        let responses = try await exchange(Self.post("/api/nowhere", "{not json"), responses: 1)
        #expect(responses.map(\.status) == [404])
        #expect(responses.first?.body.contains(#""status":404"#) == true)
    }

    @Test func aMalformedJSONPostToARealRouteIs400AndTheConnectionCarriesOn() async throws {
        let responses = try await exchange(
            Self.post("/api/orders", "{not json") + Self.post("/api/orders", #"{"n":1}"#), responses: 2)
        #expect(responses.map(\.status) == [400, 201])
        #expect(responses.first?.body.contains("invalid JSON body") == true)
        #expect(responses.last?.body == #"{"got":{"n":1}}"#)
    }

    @Test func aMalformedJSONBodyWithTheWrongMethodIs405() async throws {
        let put = "PUT /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n{"
        let responses = try await exchange(put, responses: 1)
        #expect(responses.map(\.status) == [405])
        #expect(responses.first?.header("Allow") == "GET, HEAD, POST")
    }
}
