import Glibc
import Testing
@testable import Tina4

/// HTTP/1.1 over real sockets: routing, bodies, keep-alive, pipelining, limits, handshake errors.
@Suite(.serialized) struct HTTPServerTests {
    @MainActor static func start(configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(configure: configure) { routes, _ in
            routes.get("/hello/{name}") { request, response in
                response.text("Hello, \(request.params["name"] ?? "")!")
            }
            routes.get("/items/{id:int}") { request, response in
                response.json(["id": request.param("id", as: Int.self) ?? -1, "q": request.query["q"] ?? ""])
            }
            routes.get("/price/{value:float}") { request, response in
                response.json(["value": Double(request.params["value"] ?? "") ?? -1])
            }
            routes.get("/files/{rest:path}") { request, response in
                response.text(request.params["rest"] ?? "")
            }
            routes.post("/echo-body") { request, response in
                response.json(["body": request.body, "raw": request.bodyText ?? ""], status: 201)
            }
            routes.put("/items/{id:int}") { _, response in response.status(204) }
            routes.get("/boom") { _, _ in throw TestFailure("kaboom") }
            routes.get("/slow") { (_: Request, response: Response) async throws -> Response in
                try await Task.sleep(nanoseconds: 20_000_000)
                return response.text("slow")
            }
            routes.get("/go") { _, response in response.redirect(to: "/hello/there", status: 301) }
            routes.get("/page") { _, response in response.render("no-such-page.html", ["x": 1]) }
            routes.websocket("/ws/only") { _, _, _ in }
        }
    }

    func exchange(_ request: String, responses: Int = 1, configure: @escaping @MainActor (inout ServerConfiguration) -> Void = { _ in }) async throws -> [HTTPTestResponse] {
        let server = try await MainActor.run { try Self.start(configure: configure) }
        defer { server.stopNow() }
        let port = await server.port
        let result = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            return connection.readResponses(responses)
        }
        return result
    }

    @Test func pathParametersOfEveryType() async throws {
        let responses = try await exchange(
            "GET /hello/Ann%20Lee HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /items/42?q=a+b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /items/abc HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
                + "GET /price/2.5 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /files/a/b%2Fc.txt HTTP/1.1\r\nHost: x\r\n\r\n",
            responses: 5)
        #expect(responses.map(\.status) == [200, 200, 404, 200, 200])
        #expect(responses[0].body == "Hello, Ann Lee!")
        #expect(responses[1].body == #"{"id":42,"q":"a b"}"#)
        #expect(responses[2].body.contains(#""status":404"#))
        #expect(responses[3].body == #"{"value":2.5}"#)
        #expect(responses[4].body == "a/b/c.txt")
    }

    @Test func pipelinedRequestsAreAnsweredInOrderIncludingAsyncHandlers() async throws {
        let responses = try await exchange(
            "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/one HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/two HTTP/1.1\r\nHost: x\r\n\r\n",
            responses: 4)
        #expect(responses.map(\.body) == ["slow", "Hello, one!", "slow", "Hello, two!"])
    }

    @Test func jsonAndFormBodiesAndChunkedEncoding() async throws {
        let json = #"{"user_id": 7, "tags": ["a"]}"#
        let form = "name=Ann+Lee&city=K%C3%B6ln"
        let chunked = "POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\n{\"a\":\r\n2;ext=1\r\n1}\r\n0\r\n\r\n"
        let responses = try await exchange(
            "POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
                + "POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)"
                + chunked,
            responses: 3)
        #expect(responses.map(\.status) == [201, 201, 201])
        #expect(try JSON.parse(responses[0].body)["body"] == ["user_id": 7, "tags": ["a"]])
        #expect(try JSON.parse(responses[1].body)["body"] == ["name": "Ann Lee", "city": "Köln"])
        #expect(try JSON.parse(responses[2].body)["body"] == ["a": 1])
    }

    @Test func invalidJSONBodyIs400WithTheReason() async throws {
        let body = #"{"user_id": }"#
        let responses = try await exchange(
            "POST /echo-body HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(responses.first?.status == 400)
        #expect(responses.first?.body.contains("invalid JSON body") == true)
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let responses = try await exchange(
            "GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /items/3 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
            responses: 2)
        #expect(responses.map(\.status) == [404, 405])
        #expect(responses[0].header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(responses[1].header("Allow") == "GET, HEAD, PUT")
        #expect(responses[1].body.contains(#""error""#))
    }

    @Test func headAnswersHeadersWithoutBody() async throws {
        let responses = try await exchange("HEAD /hello/x HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/y HTTP/1.1\r\nHost: x\r\n\r\n", responses: 1)
        // A HEAD response declares the GET body's length but sends no body, so the next response follows at once.
        #expect(responses.first?.status == 200)
        #expect(responses.first?.header("Content-Length") == "9")
    }

    @Test func handlerErrorIs500AndTheConnectionStaysUsable() async throws {
        let responses = try await exchange("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/ok HTTP/1.1\r\nHost: x\r\n\r\n", responses: 2)
        #expect(responses.map(\.status) == [500, 200])
    }

    @Test func redirectAndNoContent() async throws {
        let responses = try await exchange("GET /go HTTP/1.1\r\nHost: x\r\n\r\nPUT /items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", responses: 2)
        #expect(responses[0].status == 301)
        #expect(responses[0].header("Location") == "/hello/there")
        #expect(responses[1].status == 204)
    }

    @Test func aMissingTemplateIsA500PageNamingIt() async throws {
        let responses = try await exchange("GET /page HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(responses.first?.status == 500)
        #expect(responses.first?.header("Content-Type") == "text/html; charset=utf-8")
        #expect(responses.first?.body.contains("no-such-page.html") == true)
    }

    @Test func expectContinueGets100BeforeTheBody() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let (interim, final) = try await offMain { () -> (String, [HTTPTestResponse]) in
            let connection = try RawConnection(port: port)
            try connection.send("POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
            let interim = String(decoding: connection.read { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n\r\n") }, as: UTF8.self)
            try connection.send("{}")
            return (interim, connection.readResponses(1))
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(final.first?.status == 201)
    }

    @Test func oversizedHeadersAre431AndOversizedBodiesAre413ThenClosed() async throws {
        let big = String(repeating: "a", count: 17_000)
        let headers = try await exchange("GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n")
        #expect(headers.first?.status == 431)
        #expect(headers.first?.header("Connection") == "close")
        let body = try await exchange("POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", configure: { $0.maxBodyBytes = 1000 })
        #expect(body.first?.status == 413)
    }

    @Test func malformedRequestIs400AndClosed() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let text = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GARBAGE\r\n\r\n")
            return connection.readToEnd()
        }
        #expect(text.hasPrefix("HTTP/1.1 400 "))
        #expect(text.contains("Connection: close"))
    }

    @Test func http10ClosesAfterTheResponse() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let text = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /hello/old HTTP/1.0\r\n\r\n")
            return connection.readToEnd()
        }
        #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(text.hasSuffix("Hello, old!"))
    }

    @Test func handshakeErrors() async throws {
        let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        let version = try await exchange("GET /ws/only HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 8\r\n\r\n")
        #expect(version.first?.status == 426)
        #expect(version.first?.header("Sec-WebSocket-Version") == "13")
        let noRoute = try await exchange("GET /ws/none HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 13\r\n\r\n")
        #expect(noRoute.first?.status == 404)
        let badKey = try await exchange("GET /ws/only HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")
        #expect(badKey.first?.status == 400)
    }

    @Test func handshakeAcceptsCaseInsensitiveTokensAndAnswers101() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let text = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /ws/only HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            return String(decoding: connection.read { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n\r\n") }, as: UTF8.self)
        }
        #expect(text.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
    }

    @Test func aRequestThatTrickles408sAndAnIdleConnectionIsClosed() async throws {
        let server = try await MainActor.run {
            try Self.start { $0.requestTimeoutMilliseconds = 150; $0.keepAliveTimeoutMilliseconds = 150; $0.lingerMilliseconds = 100 }
        }
        defer { server.stopNow() }
        let port = await server.port
        let (slow, idle) = try await offMain { () -> (String, String) in
            let slow = try RawConnection(port: port)
            try slow.send("GET /hello/x HTTP/1.1\r\nHost: x\r\n")   // never finished
            let slowText = slow.readToEnd(timeout: 5)
            let idle = try RawConnection(port: port)
            try idle.send("GET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n")
            return (slowText, idle.readToEnd(timeout: 5))   // the response, then EOF once idle
        }
        #expect(slow.hasPrefix("HTTP/1.1 408 "))
        #expect(idle.hasPrefix("HTTP/1.1 200 ") && idle.hasSuffix("Hello, x!"))
    }

    @Test func aClientThatHalfClosesAfterItsRequestsStillGetsEveryAnswer() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let text = try await offMain { () -> String in
            let connection = try RawConnection(port: port)
            try connection.send("GET /hello/one HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            shutdown(connection.fd, Int32(SHUT_WR))
            return connection.readToEnd()
        }
        #expect(text.contains("Hello, one!"))
        #expect(text.hasSuffix("slow"))
    }
}
