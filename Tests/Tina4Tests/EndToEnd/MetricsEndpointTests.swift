import Dispatch
import Glibc
import Testing
@testable import Tina4

/// `/metrics` over real sockets: what a WebSocket conversation and HTTP requests leave in it.
@Suite(.serialized) struct MetricsEndpointTests {
    @MainActor static func start(configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(configure: configure) { routes, _ in
            routes.websocket("/ws/chat/{room}") { connection, event, data in
                if event == .message { connection.broadcast(data.text) }
            }
            routes.get("/hello") { _, response in response.text("hi") }
        }
    }

    static func scrape(port: Int) throws -> HTTPTestResponse {
        let connection = try RawConnection(port: port)
        try connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        guard let response = connection.readResponses(1).first else { throw TestFailure("no answer to GET /metrics") }
        return response
    }

    /// The value of the sample line that starts with `series` (name and labels), or nil.
    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func aConversationShowsUpInTheCountersAndGauges() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let (port, base) = await (server.port, server.base)
        let (during, after) = try await offMain { () -> (String, String) in
            let a = try WebSocketClient(url: base + "/ws/chat/lobby")
            let b = try WebSocketClient(url: base + "/ws/chat/lobby")
            try a.send(text: "hello")
            _ = try a.receiveText()
            _ = try b.receiveText()
            let hello = try RawConnection(port: port)
            try hello.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = hello.readResponses(2)
            let during = try Self.scrape(port: port)
            _ = try a.close()
            _ = try b.close(code: 4000)
            // The closes are counted when the sockets close: poll the scrape, bounded.
            var after = try Self.scrape(port: port).body
            let deadline = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
            while Self.value(after, #"tina4_websocket_closes_total{code="other"}"#) == nil && DispatchTime.now().uptimeNanoseconds < deadline {
                after = try Self.scrape(port: port).body
            }
            #expect(during.status == 200)
            #expect(during.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            return (during.body, after)
        }
        #expect(Self.value(during, #"tina4_websocket_connections{route="/ws/chat/{room}"}"#) == 2)
        #expect(Self.value(during, "tina4_websocket_open_paths") == 1)
        #expect(Self.value(during, "tina4_websocket_messages_received_total") == 1)
        #expect(Self.value(during, "tina4_websocket_messages_sent_total") == 2)
        #expect(Self.value(during, "tina4_websocket_broadcasts_total") == 1)
        #expect(Self.value(during, "tina4_websocket_broadcast_deliveries_total") == 2)
        #expect((Self.value(during, "tina4_websocket_received_bytes_total") ?? 0) >= 11)   // a masked 5-byte text frame
        #expect(Self.value(during, #"tina4_http_requests_total{method="GET",status="1xx"}"#) == 2)   // the two upgrades
        #expect(Self.value(during, #"tina4_http_requests_total{method="GET",status="2xx"}"#) == 1)
        #expect(Self.value(during, #"tina4_http_requests_total{method="GET",status="4xx"}"#) == 1)
        #expect(Self.value(during, #"tina4_http_request_duration_seconds_bucket{le="+Inf"}"#) == 4)
        #expect(Self.value(during, "tina4_http_request_duration_seconds_count") == 4)
        #expect((Self.value(during, "process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((Self.value(during, "process_open_fds") ?? 0) >= 4)
        #expect(Self.value(after, #"tina4_websocket_connections{route="/ws/chat/{room}"}"#) == 0)
        #expect(Self.value(after, #"tina4_websocket_closes_total{code="1000"}"#) == 1)
        #expect(Self.value(after, #"tina4_websocket_closes_total{code="other"}"#) == 1)   // 4000
    }

    @Test func loopbackClientsAreAnsweredAndOffServesNothing() async throws {
        let loopback = try await MainActor.run { try Self.start() }
        defer { loopback.stopNow() }
        let off = try await MainActor.run { try Self.start { $0.metrics = .off } }
        defer { off.stopNow() }
        let (loopbackPort, offPort) = await (loopback.port, off.port)
        let (get, head, none) = try await offMain {
            let headConnection = try RawConnection(port: loopbackPort)
            try headConnection.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return (try Self.scrape(port: loopbackPort), headConnection.readToEnd(), try Self.scrape(port: offPort))
        }
        #expect(get.status == 200 && get.body.contains("# TYPE tina4_websocket_connections gauge"))
        #expect(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"))
        #expect(none.status == 404)
    }

    @Test func thePeerOfALoopbackConnectionIsLoopback() async throws {
        let server = try await MainActor.run { try Self.start() }
        defer { server.stopNow() }
        let port = await server.port
        let fd = try connectTCP(port: port)
        defer { _ = Glibc.close(fd) }
        #expect(PeerAddress(ofSocket: fd)?.isLoopback == true)
        #expect(PeerAddress(ofSocket: -1) == nil)
    }
}
