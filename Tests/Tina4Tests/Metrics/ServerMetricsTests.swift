import Testing
@testable import Tina4

/// What the hub and the connections count, with recording transports (no sockets), and the
/// `/metrics` gate of the dispatcher with a fake peer.
@MainActor @Suite final class ServerMetricsTests {
    typealias RecordingTransport = WebSocketHubTests.RecordingTransport
    let hub = WebSocketHub()
    var metrics: ServerMetrics { hub.metrics }

    func join(_ path: String, route: String, _ id: String) -> WebSocketConnection {
        let connection = WebSocketConnection(
            id: id, path: path, params: [:], headers: HTTPHeaders(), hub: hub, transport: RecordingTransport(),
            route: route, handler: { connection, event, data in
                if event == .message { connection.send("echo \(data)") }
            }, log: Log(minimum: .error), maxMessageBytes: 1 << 20, closeTimeoutMilliseconds: 5_000)
        connection.start(leftover: [])
        return connection
    }

    @Test func routeGaugesFollowOpenAndCloseAndPathsAreCounted() {
        let a = join("/ws/chat/a", route: "/ws/chat/{room}", "a")
        _ = join("/ws/chat/b", route: "/ws/chat/{room}", "b")
        _ = join("/ws/chat/b", route: "/ws/chat/{room}", "b2")
        _ = join("/ws/echo", route: "/ws/echo", "e")
        #expect(metrics.openWebSockets(route: "/ws/chat/{room}") == 3)
        #expect(hub.openPathCount == 3)
        #expect(hub.busiestPaths(limit: 2).map { "\($0.path)=\($0.count)" } == ["/ws/chat/b=2", "/ws/chat/a=1"])
        a.channelClosed()
        #expect(metrics.openWebSockets(route: "/ws/chat/{room}") == 2)
        #expect(metrics.openWebSocketsByRoute.map(\.route) == ["/ws/chat/{room}", "/ws/echo"])
        #expect(metrics.webSocketsOpened == 4)
        #expect(hub.openPathCount == 2)
    }

    @Test func aBroadcastCountsOnceWithAllItsDeliveries() {
        let members = (0..<4).map { join("/ws/room/x", route: "/ws/room/{name}", "m\($0)") }
        #expect(hub.broadcast(text: "hello", toPath: "/ws/room/x", excluding: members[0]) == 3)
        #expect(metrics.broadcasts == 1)
        #expect(metrics.broadcastDeliveries == 3)
        #expect(metrics.webSocketMessagesOut == 3)
        #expect(metrics.webSocketBytesOut == 3 * WebSocketFrameEncoder.text("hello").count)
    }

    @Test func messagesAndBytesInAndOutAreCounted() {
        let connection = join("/ws/echo", route: "/ws/echo", "e")
        let frame = rawFrame(0x1, Array("hi".utf8))
        frame.withUnsafeBytes { connection.received($0) }
        frame.withUnsafeBytes { connection.received($0) }
        #expect(metrics.webSocketMessagesIn == 2)
        #expect(metrics.webSocketBytesIn == 2 * frame.count)
        #expect(metrics.webSocketMessagesOut == 2)
        #expect(metrics.webSocketBytesOut == 2 * WebSocketFrameEncoder.text("echo hi").count)
    }

    @Test func closeCodesAndLastDisconnectsComeFromHowTheConnectionEnded() {
        let polite = join("/ws/echo", route: "/ws/echo", "polite")
        rawFrame(0x8, [0x03, 0xE8]).withUnsafeBytes { polite.received($0) }
        polite.channelClosed()
        let lost = join("/ws/echo", route: "/ws/echo", "lost")
        lost.channelClosed()
        let slow = join("/ws/chat/<b>", route: "/ws/chat/{room}", "slow")
        metrics.webSocketDropped(.slowConsumer, connection: slow)
        slow.channelClosed()
        #expect(metrics.closeCodes.nonZero.map { "\($0.code)=\($0.count)" } == ["1000=1", "1006=2"])
        #expect(metrics.dropped(.slowConsumer) == 1)
        #expect(metrics.lastDisconnects.map(\.connectionID) == ["polite", "lost", "slow"])
        #expect(metrics.lastDisconnects.map(\.code) == [1000, 1006, 1006])
        #expect(metrics.lastDisconnects.last?.reason == "slow consumer")
        #expect(metrics.lastDisconnects.last?.path == "/ws/chat/<b>")
        metrics.webSocketRefused(.originRefused, path: "/ws/chat/x")
        let another = join("/ws/echo", route: "/ws/echo", "another")
        another.channelClosed()   // not mistaken for the refusal's close
        #expect(metrics.dropped(.originRefused) == 1)
        #expect(metrics.lastDisconnects.suffix(2).map { "\($0.path) \($0.code.map(String.init) ?? "-") \($0.reason)" }
                == ["/ws/chat/x - origin refused", "/ws/echo 1006 connection lost"])
    }

    @Test func theExpositionListsEveryDropReasonAndTheBackplaneOnlyWhenOneRuns() {
        _ = join("/ws/echo", route: "/ws/echo", "e")
        let stats = ProcessStats(residentBytes: 4096, openFileDescriptors: 7, cpuSeconds: 0.5)
        let text = MetricsExposition.render(metrics: metrics, openPaths: 1, backplane: nil, process: stats)
        #expect(text.contains("tina4_websocket_connections{route=\"/ws/echo\"} 1\n"))
        for reason in WebSocketDropReason.allCases {
            let series = "tina4_websocket_dropped_total{reason=\"\(reason.label)\"} 0\n"
            #expect(text.contains(series), "\(reason.label)")
        }
        #expect(!text.contains("tina4_backplane"))
        #expect(text.contains("process_open_fds 7\n") && text.contains("process_cpu_seconds_total 0.5\n"))
        let backplane = BackplaneMetrics(connected: true, published: 3, received: 2, queuedWhileDisconnected: 1, dropped: 4)
        let withBackplane = MetricsExposition.render(metrics: metrics, openPaths: 1, backplane: backplane, process: stats)
        #expect(withBackplane.contains("tina4_backplane_connected 1\n"))
        #expect(withBackplane.contains("tina4_backplane_envelopes_dropped_total 4\n"))
    }

    @Test func processStatsAreReadFromProc() {
        let stats = ProcessStats.read()
        #expect((stats.residentBytes ?? 0) > 1 << 20)
        #expect((stats.openFileDescriptors ?? 0) >= 3)
        #expect((stats.cpuSeconds ?? -1) >= 0)
    }

    // MARK: The gate

    final class FakePeer: RequestPeer {
        let isLoopback: Bool
        var logName: String { "fd=99" }
        init(isLoopback: Bool) { self.isLoopback = isLoopback }
    }

    func status(_ access: MetricsAccess, _ request: String, loopback: Bool, paths: Set<String> = []) throws -> Int {
        let routes = RouteTable()
        routes.get("/dashboard") { _, response in response.text("dash") }
        let dispatcher = HTTPDispatcher(routes: routes, staticFiles: nil, log: Log(minimum: .error), metricsAccess: access, metricsPaths: paths)
        let parsed = try HTTPDispatcherTests.parse(request)
        guard case .respond(let response, _) = dispatcher.dispatch(parsed, from: FakePeer(isLoopback: loopback)) else { return 101 }
        return response.status
    }

    @Test func metricsAreForLoopbackClientsByDefaultAndConfigurable() throws {
        let get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try status(.loopback, get, loopback: true) == 200)
        #expect(try status(.loopback, get, loopback: false) == 403)
        #expect(try status(.on, get, loopback: false) == 200)
        #expect(try status(.off, get, loopback: true) == 404)
        #expect(try status(.loopback, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", loopback: true) == 405)
        let dashboard = "GET /dashboard HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try status(.loopback, dashboard, loopback: false) == 200)                           // not a metrics path
        #expect(try status(.loopback, dashboard, loopback: false, paths: ["/dashboard"]) == 403)
        #expect(try status(.loopback, dashboard, loopback: true, paths: ["/dashboard"]) == 200)
        #expect(try status(.off, dashboard, loopback: true, paths: ["/dashboard"]) == 404)
    }

    @Test func theSettingIsParsedWithAOneLineError() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).metrics == .loopback)
        #expect(try ServerConfiguration.fromEnvironment(["TINA4_METRICS": "ON"]).metrics == .on)
        #expect(try ServerConfiguration.fromEnvironment(["TINA4_METRICS": "off"]).metrics == .off)
        #expect(throws: ServerConfiguration.Invalid.self) { try ServerConfiguration.fromEnvironment(["TINA4_METRICS": "yes"]) }
        do {
            _ = try ServerConfiguration.fromEnvironment(["TINA4_METRICS": "yes"])
        } catch {
            #expect(error.description == "TINA4_METRICS=yes is not valid: expected off, on or loopback")
        }
    }
}
