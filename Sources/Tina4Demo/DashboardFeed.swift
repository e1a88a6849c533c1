import Tina4

/// What the dashboard's WebSocket pushes: a snapshot of the hub's ``ServerMetrics`` about once
/// a second, only while someone watches (the ticker runs while `/ws/dashboard` has members in
/// this process and is cancelled when the last one leaves).
///
/// Each snapshot carries the open WebSockets per route pattern, the busiest rooms (paths, top
/// ``roomLimit``), messages per second in and out over the last ``historyLength`` seconds
/// watched, the backplane's state and the last disconnects. Sent to this process's watchers
/// only (never through the backplane: each instance shows its own numbers).
///
/// ```swift
/// let feed = DashboardFeed.shared
/// feed.watch()              // a watcher joined: start ticking (no-op when already ticking)
/// feed.snapshot()           // {"type":"stats","connections":3,"routes":[…],…}
/// feed.watcherLeft()        // stops when no watcher is left
/// ```
@MainActor
final class DashboardFeed {
    static let shared = DashboardFeed(hub: Router.hub)
    nonisolated static let path = "/ws/dashboard"
    static let roomLimit = 10
    static let historyLength = 180
    /// Seconds between pushes.
    static let interval: UInt64 = 1_000_000_000

    let hub: WebSocketHub
    private var ticker: Task<Void, Never>?
    /// Messages per second in and out, one point per tick, oldest first.
    private var history: [(inbound: Double, outbound: Double)] = []
    private var last: (inbound: Int, outbound: Int, at: Double)?

    init(hub: WebSocketHub) { self.hub = hub }

    /// Whether the ticker runs (someone watches).
    var isTicking: Bool { ticker != nil }

    func watch() {
        guard ticker == nil else { return }
        last = (hub.metrics.webSocketMessagesIn, hub.metrics.webSocketMessagesOut, MonotonicClock.seconds())
        ticker = Task { @MainActor [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: Self.interval)
                guard let self, !Task.isCancelled else { return }
                self.tick()
            }
        }
    }

    /// A watcher left: the ticker stops when it was the last one here.
    func watcherLeft() {
        guard hub.localCount(path: Self.path) == 0 else { return }
        ticker?.cancel()
        ticker = nil
        last = nil
    }

    private func tick() {
        let now = MonotonicClock.seconds()
        let metrics = hub.metrics
        if let last, now > last.at {
            let seconds = now - last.at
            history.append((Double(metrics.webSocketMessagesIn - last.inbound) / seconds,
                            Double(metrics.webSocketMessagesOut - last.outbound) / seconds))
            if history.count > Self.historyLength { history.removeFirst(history.count - Self.historyLength) }
        }
        last = (metrics.webSocketMessagesIn, metrics.webSocketMessagesOut, now)
        let text = snapshot()
        for watcher in hub.connections(path: Self.path) { watcher.send(text) }
    }

    /// The JSON text of one push.
    func snapshot() -> String {
        let metrics = hub.metrics
        let routes = metrics.openWebSocketsByRoute.map { JSON(["route": .string($0.route), "open": JSON($0.count)]) }
        let rooms = hub.busiestPaths(limit: Self.roomLimit + 1).filter { $0.path != Self.path }.prefix(Self.roomLimit)
            .map { JSON(["path": .string($0.path), "members": JSON($0.count)]) }
        let points = history.map { JSON.array([JSON(Self.rounded($0.inbound)), JSON(Self.rounded($0.outbound))]) }
        let disconnects = metrics.lastDisconnects.reversed().map { entry in
            JSON(["time": JSON(entry.time), "path": .string(String(entry.path.prefix(200))),
                  "code": entry.code.map { JSON(Int($0)) } ?? .null, "reason": .string(entry.reason)])
        }
        let backplane: JSON = hub.backplaneMetrics.map { state in
            JSON(["connected": JSON(state.connected), "published": JSON(state.published), "received": JSON(state.received),
                  "queued": JSON(state.queuedWhileDisconnected), "dropped": JSON(state.dropped)])
        } ?? .null
        return JSON.object(JSONObject([
            ("type", "stats"),
            ("time", JSON(WallClock.seconds())),
            ("connections", JSON(hub.totalCount)),
            ("open_paths", JSON(hub.openPathCount)),
            ("http_requests", JSON(metrics.httpRequestCount)),
            ("messages_in", JSON(metrics.webSocketMessagesIn)),
            ("messages_out", JSON(metrics.webSocketMessagesOut)),
            ("routes", .array(routes)),
            ("rooms", .array(Array(rooms))),
            ("history", .array(points)),
            ("backplane", backplane),
            ("disconnects", .array(disconnects)),
        ])).serialized()
    }

    private static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
