import Glibc
import Testing
@testable import Tina4

/// What happens to the connection around a response, over real sockets: HEAD, HTTP/1.0
/// keep-alive, closing after errors (the client sees EOF), JSON errors, WebSocket-only paths.
@Suite(.serialized) struct HTTPConnectionTests {
    @MainActor static func start(publicDirectory: String? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(configure: {
            if let publicDirectory { $0.publicDirectory = publicDirectory }
            configure(&$0)
        }) { routes, _ in
            routes.get("/x") { _, response in response.text("route body") }
            routes.get("/y") { _, response in response.text("after") }
            routes.get("/hello/{name}") { request, response in response.text("Hello, \(request.params["name"] ?? "")!") }
            routes.post("/echo") { request, response in response.text(request.bodyText ?? "") }
            routes.websocket("/ws/only") { _, _, _ in }
            routes.websocket("/ws/both") { connection, event, _ in
                if event == .open { connection.send("websocket") }
            }
            routes.get("/ws/both") { _, response in response.text("http route") }
        }
    }

    /// Sends `request` on a fresh connection and reads until the server closes it.
    func untilClosed(_ request: String, configure: @escaping @MainActor (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (text: String, closed: Bool)
    {
        let server = try await MainActor.run { try Self.start(configure: configure) }
        defer { server.stopNow() }
        let port = await server.port
        let result = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            return connection.readUntilClosed(timeout: 5)
        }
        return result
    }

    // MARK: HEAD

    @Test func headSendsNoBodySoThePipelinedResponseFollowsItsHeadersDirectly() async throws {
        let site = TempSite()
        site.write("page.txt", Array("static body\n".utf8))
        let root = site.root
        let server = try await MainActor.run { try Self.start(publicDirectory: root) }
        defer { server.stopNow() }
        let port = await server.port
        for (path, length) in [("/x", 10), ("/page.txt", 12)] {
            let text = try await offMain { () -> String in
                let connection = try RawConnection(port: port)
                try connection.send("HEAD \(path) HTTP/1.1\r\nHost: x\r\n\r\nGET /y HTTP/1.1\r\nHost: x\r\n\r\n")
                return String(decoding: connection.read { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n\r\nafter") }, as: UTF8.self)
            }
            let parts = text.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 3, "HEAD head, GET head, GET body: \(text)")
            guard parts.count == 3 else { continue }
            #expect(parts[0].hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(parts[0].contains("\r\nContent-Length: \(length)"), "HEAD of \(path) declares the GET length")
            #expect(parts[1].hasPrefix("HTTP/1.1 200 OK\r\n"), "the GET's status line follows HEAD's headers at once (\(path))")
            #expect(parts[2] == "after")
        }
        withExtendedLifetime(site) {}
    }

    // MARK: HTTP/1.0

    @Test func http10KeepAliveIsConfirmedAndTheSocketIsReused() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let (first, second, last) = try await offMain { () -> ([HTTPTestResponse], [HTTPTestResponse], (text: String, closed: Bool)) in
            let connection = try RawConnection(port: port)
            try connection.send("GET /hello/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = connection.readResponses(1)
            try connection.send("GET /hello/b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
            let second = connection.readResponses(1)
            try connection.send("GET /hello/c HTTP/1.0\r\n\r\n")
            return (first, second, connection.readUntilClosed())
        }
        #expect(first.first?.body == "Hello, a!")
        #expect(first.first?.header("Connection") == "keep-alive")
        #expect(second.first?.body == "Hello, b!")
        #expect(second.first?.header("Connection") == "keep-alive")
        #expect(last.text.hasSuffix("Hello, c!"))
        #expect(last.text.contains("\r\nConnection: close\r\n"))
        #expect(last.closed, "HTTP/1.0 without keep-alive ends with EOF")
    }

    @Test func http11KeepAliveSendsNoConnectionHeader() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /hello/a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
            return connection.readResponses(1)
        }
        #expect(responses.first?.body == "Hello, a!")
        #expect(responses.first?.header("Connection") == nil)
    }

    // MARK: Closed after an error

    struct ErrorCase: Sendable, CustomStringConvertible {
        var description: String
        var request: String
        var status: Int
        var maxBodyBytes = 8 << 20
    }

    static let errorCases = [
        ErrorCase(description: "malformed request line", request: "GARBAGE\r\n\r\n", status: 400),
        ErrorCase(description: "body over the limit", request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
                  status: 413, maxBodyBytes: 1000),
        ErrorCase(description: "header block over 16 KiB",
                  request: "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 17_000))\r\n\r\n", status: 431),
        ErrorCase(description: "request line over 16 KiB",
                  request: "GET /\(String(repeating: "a", count: 17_000)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 414),
        ErrorCase(description: "bad chunk size",
                  request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", status: 400),
    ]

    @Test(arguments: errorCases)
    func anErrorIsAnsweredThenTheConnectionEnds(_ error: ErrorCase) async throws {
        let limit = error.maxBodyBytes
        let (text, closed) = try await untilClosed(error.request + "GET /y HTTP/1.1\r\nHost: x\r\n\r\n") { $0.maxBodyBytes = limit }
        #expect(text.hasPrefix("HTTP/1.1 \(error.status) "))
        #expect(text.contains("\r\nConnection: close\r\n"))
        #expect(closed, "EOF follows the error response")
        #expect(!text.contains("after"), "nothing after an error is answered")
    }

    // MARK: JSON errors

    /// Errors found once the head was read: the head says how the client wants the answer.
    static let errorsAfterTheHead = [
        ErrorCase(description: "Content-Length over the limit", request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
                  status: 413, maxBodyBytes: 1000),
        ErrorCase(description: "chunked body over the limit",
                  request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n", status: 413, maxBodyBytes: 1000),
        ErrorCase(description: "bad chunk size",
                  request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", status: 400),
        ErrorCase(description: "no Host", request: "GET /x HTTP/1.1\r\nHost: x\r\n\r\n".replacingFirst("Host: x\r\n", with: ""), status: 400),
    ]

    @Test(arguments: errorsAfterTheHead)
    func anErrorAfterTheHeadIsJSONWhenTheClientAsksForJSON(_ error: ErrorCase) async throws {
        let request = error.request.replacingFirst("HTTP/1.1\r\n", with: "HTTP/1.1\r\nAccept: application/json\r\n")
        let limit = error.maxBodyBytes
        let (text, closed) = try await untilClosed(request) { $0.maxBodyBytes = limit }
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0]
        #expect(head.hasPrefix("HTTP/1.1 \(error.status) "), "\(text)")
        #expect(head.contains("\r\nContent-Type: application/json; charset=utf-8"), "\(head)")
        let json = try JSON.parse(parts.dropFirst().joined(separator: "\r\n\r\n"))
        #expect(json["status"]?.int == error.status)
        #expect(json["error"]?.string?.isEmpty == false)
        #expect(closed)
    }

    @Test func aMalformedBodyWithoutAcceptIsAnHTMLPage() async throws {
        let (text, _) = try await untilClosed("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")
        #expect(text.hasPrefix("HTTP/1.1 400 "))
        #expect(text.contains("\r\nContent-Type: text/html; charset=utf-8\r\n"))
    }

    // MARK: WebSocket-only paths

    @Test func aPlainGetOnAWebSocketPathIs426AndTheConnectionStaysOpen() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /ws/only HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /ws/only HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
                + "GET /y HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readResponses(3)
        }
        #expect(responses.map(\.status) == [426, 426, 200])
        guard responses.count == 3 else { return }
        for response in responses[0...1] {
            #expect(response.header("Upgrade") == "websocket")
            #expect(response.header("Connection") == "Upgrade")
            #expect(response.header("Sec-WebSocket-Version") == "13")
        }
        #expect(responses[0].header("Content-Type") == "text/html; charset=utf-8")
        #expect(responses[0].body.contains("/ws/only is a WebSocket endpoint"))
        let json = try JSON.parse(responses[1].body)
        #expect(json["status"] == 426)
        #expect(json["error"]?.string?.contains("/ws/only is a WebSocket endpoint") == true)
        #expect(responses[2].body == "after")
    }

    @Test func anotherMethodOnAWebSocketPathIs405AllowGet() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("POST /ws/only HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            return connection.readResponses(1)
        }
        #expect(responses.first?.status == 405)
        #expect(responses.first?.header("Allow") == "GET")
    }

    @Test func anHTTPRouteOnTheSamePathWinsAndTheUpgradeStillWorks() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let base = await server.base
        let (responses, greeting) = try await offMain { () -> ([HTTPTestResponse], String) in
            let connection = try RawConnection(port: port)
            try connection.send("GET /ws/both HTTP/1.1\r\nHost: x\r\n\r\n")
            let responses = connection.readResponses(1)
            let client = try WebSocketClient(url: base + "/ws/both")
            defer { client.disconnect() }
            return (responses, try client.receiveText())
        }
        #expect(responses.first?.status == 200)
        #expect(responses.first?.body == "http route")
        #expect(greeting == "websocket")
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
