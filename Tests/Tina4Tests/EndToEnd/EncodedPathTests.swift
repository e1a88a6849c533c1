import Testing
@testable import Tina4

/// Percent-encoded paths over real sockets: `%2F` never acts as a separator, WebSocket rooms are
/// keyed by the canonical path, and pushes from HTTP routes reach the clients of their server.
@Suite(.serialized) struct EncodedPathTests {
    @MainActor static func start() throws -> TestServer {
        try TestServer { routes, _ in
            routes.get("/api/ws-token") { _, response in response.text("token") }
            routes.get("/files/{name}") { request, response in response.text(request.params["name"] ?? "") }
            routes.websocket("/ws/echo") { connection, event, data in
                if event == .message { connection.send("Echo: \(data)") }
            }
            routes.websocket("/ws/chat/{room}") { connection, event, _ in
                guard event == .open else { return }
                connection.sendJson([
                    "path": connection.path, "room": connection.params["room"] ?? "", "count": connection.connectionCount,
                ])
            }
            routes.post("/push") { request, response in
                // The room is given as the client wrote it, encoded or not.
                let delivered = routes.pushToWebSocket(request.query["to"] ?? "", request.bodyText ?? "")
                return response.json(["delivered": delivered])
            }
        }
    }

    @Test func anEncodedSlashIsNotASeparatorForHTTPRoutes() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /api%2Fws-token HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api%2fws-token HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/ws-token HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/ws%2Dtoken HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /files/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readResponses(5)
        }
        #expect(responses.map(\.status) == [404, 404, 200, 200, 200])
        #expect(responses.last?.body == "a/b")
    }

    @Test func anEncodedSlashIsNotASeparatorForWebSocketRoutes() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let base = await server.base
        let refused = try await offMain { () -> Int? in
            do {
                let client = try WebSocketClient(url: base + "/ws%2Fecho")
                client.disconnect()
                return 101
            } catch let error as WebSocketClientError {
                guard case .handshakeFailed(let status, _) = error else { throw error }
                return status
            }
        }
        #expect(refused == 404)
    }

    @Test func roomsAreKeyedByTheCanonicalPath() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let base = await server.base
        let port = await server.port
        let (slash, plain, escapedA, spaced, pushes, pushed) = try await offMain {
            () -> (JSONObject, JSONObject, JSONObject, JSONObject, [HTTPTestResponse], [String]) in
            func open(_ path: String) throws -> (WebSocketClient, JSONObject) {
                let client = try WebSocketClient(url: base + path)
                return (client, try JSON.parse(try client.receiveText()).object ?? [:])
            }
            let (slashClient, slash) = try open("/ws/chat/a%2Fb")
            let (plainClient, plain) = try open("/ws/chat/a")
            let (escapedClient, escapedA) = try open("/ws/chat/%61")
            let (spacedClient, spaced) = try open("/ws/chat/my%20room")
            defer { [slashClient, plainClient, escapedClient, spacedClient].forEach { $0.disconnect() } }
            let http = try RawConnection(port: port)
            try http.send("POST /push?to=/ws/chat/my%2520room HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                + "POST /push?to=/ws/chat/my+room HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo"
                + "POST /push?to=/ws/chat/a%252Fb HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthree")
            let pushes = http.readResponses(3)
            return (slash, plain, escapedA, spaced, pushes,
                    [try spacedClient.receiveText(), try spacedClient.receiveText(), try slashClient.receiveText()])
        }
        #expect(slash == ["path": "/ws/chat/a%2Fb", "room": "a/b", "count": 1])
        #expect(plain == ["path": "/ws/chat/a", "room": "a", "count": 1])
        #expect(escapedA == ["path": "/ws/chat/a", "room": "a", "count": 2], "/ws/chat/%61 is the room /ws/chat/a")
        #expect(spaced == ["path": "/ws/chat/my room", "room": "my room", "count": 1])
        // pushToWebSocket("/ws/chat/my%20room"), ("/ws/chat/my room") and ("/ws/chat/a%2Fb").
        #expect(pushes.map(\.body) == [#"{"delivered":1}"#, #"{"delivered":1}"#, #"{"delivered":1}"#])
        #expect(pushed == ["one", "two", "three"])
    }
}
