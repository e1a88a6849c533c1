/// The counters behind `/metrics` and the dashboard: plain integers on the loop thread (the
/// main actor), no locks, no allocation per message. A ``WebSocketHub`` owns one
/// (``WebSocketHub/metrics``), so every server sharing a route table counts into the same
/// numbers, and servers of different tables (tests) count apart.
///
/// Counting is an integer add where the event happens: a message received or sent, a broadcast
/// (its deliveries counted once, `deliveries += n`), a connection joining or leaving the hub
/// (the per-route gauge), a socket closing (its close code), an HTTP response (method, status
/// class, latency). Nothing is scanned to count.
///
/// ```swift
/// let metrics = Router.hub.metrics
/// metrics.webSocketMessagesIn          // messages received from clients so far
/// metrics.openWebSockets(route: "/ws/chat/{room}")
/// metrics.webSocketDropped(.slowConsumer, connection: connection)   // where an open connection is dropped
/// metrics.webSocketRefused(.originRefused, path: "/ws/chat/general")  // where a handshake is refused
/// ```
@MainActor
public final class ServerMetrics {
    /// Whole messages received from WebSocket clients (after reassembly and inflating).
    public internal(set) var webSocketMessagesIn = 0
    /// Data messages queued to WebSocket clients: each delivery of a broadcast counts once.
    public internal(set) var webSocketMessagesOut = 0
    /// Bytes read from WebSocket sockets (frames as they arrived: headers, control frames, compressed).
    public internal(set) var webSocketBytesIn = 0
    /// Bytes of the data frames queued to WebSocket clients (as framed and compressed).
    public internal(set) var webSocketBytesOut = 0
    /// Broadcasts (`broadcast`, `pushToWebSocket`, relayed envelopes), and their deliveries.
    public internal(set) var broadcasts = 0
    public internal(set) var broadcastDeliveries = 0
    /// WebSockets opened since start.
    public internal(set) var webSocketsOpened = 0
    /// Connections answered 503 at accept: over `TINA4_MAX_CONNECTIONS`, over `TINA4_MAX_PER_IP`.
    public internal(set) var refusedOverConnectionCap = 0
    public internal(set) var refusedOverAddressCap = 0
    /// Connections closed for reading under the minimum rate while output waited (``WriteDeadlines``).
    public internal(set) var writeStalledDrops = 0
    /// Times accepting paused because the process was out of file descriptors.
    public internal(set) var acceptPauses = 0

    /// Open WebSockets per route pattern (`/ws/chat/{room}`); a pattern stays at 0 once seen.
    private(set) var openByRoute: [String: Int] = [:]
    var closeCodes = CloseCodeCounts()
    private(set) var drops = [Int](repeating: 0, count: WebSocketDropReason.allCases.count)
    var httpRequests = HTTPRequestCounts()
    var httpLatency = LatencyHistogram()
    private(set) var recentDisconnects = RecentDisconnects(capacity: 20)

    public init() {}

    // MARK: Reading

    /// Open WebSockets on routes with `route` as pattern.
    public func openWebSockets(route: String) -> Int { openByRoute[route] ?? 0 }

    /// Every route pattern that had a WebSocket, with how many are open now, sorted by pattern.
    public var openWebSocketsByRoute: [(route: String, count: Int)] {
        openByRoute.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Connections dropped for `reason` so far.
    public func dropped(_ reason: WebSocketDropReason) -> Int { drops[reason.rawValue] }

    /// The last 20 disconnects, oldest first.
    public var lastDisconnects: [WebSocketDisconnect] { recentDisconnects.entries }

    /// HTTP requests answered so far.
    public var httpRequestCount: Int { httpRequests.total }

    // MARK: Counting

    /// The server dropped (or refused) a connection for `reason`: counted, and remembered with
    /// the connection's path among the last disconnects (its close code follows when the socket
    /// closes). Call it once, where the decision is made.
    public func webSocketDropped(_ reason: WebSocketDropReason, connection: WebSocketConnection? = nil) {
        drops[reason.rawValue] &+= 1
        recentDisconnects.record(WebSocketDisconnect(
            time: WallClock.seconds(), connectionID: connection?.id ?? "", path: connection?.path ?? "",
            code: nil, reason: reason.label.replacing("_", with: " ")))
    }

    /// One broadcast fanned out to `deliveries` connections, `bytes` queued in all.
    func broadcastDelivered(to deliveries: Int, bytes: Int) {
        broadcasts &+= 1
        broadcastDeliveries &+= deliveries
        webSocketMessagesOut &+= deliveries
        webSocketBytesOut &+= bytes
    }

    /// One message queued to one connection (`send`).
    func webSocketSent(bytes: Int) {
        webSocketMessagesOut &+= 1
        webSocketBytesOut &+= bytes
    }

    /// The server refused a WebSocket handshake for `reason` (an origin not allowed, the
    /// connection cap): counted and remembered with the path asked for ("" when it was refused
    /// before its request was read). Call it once, where the refusal is decided.
    public func webSocketRefused(_ reason: WebSocketDropReason, path: String) {
        drops[reason.rawValue] &+= 1
        recentDisconnects.record(WebSocketDisconnect(
            time: WallClock.seconds(), connectionID: "", path: path, code: nil, reason: reason.label.replacing("_", with: " ")))
    }

    func webSocketJoined(route: String) {
        openByRoute[route, default: 0] &+= 1
        webSocketsOpened &+= 1
    }

    func webSocketLeft(route: String) {
        openByRoute[route, default: 1] &-= 1
    }

    /// The socket of `connection` closed with `code` (as the close handshake ended, or 1006).
    func webSocketClosed(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        closeCodes.record(code)
        if !recentDisconnects.completeDrop(connectionID: connection.id, code: code) {
            recentDisconnects.record(WebSocketDisconnect(
                time: WallClock.seconds(), connectionID: connection.id, path: connection.path, code: code, reason: reason))
        }
    }

    func httpAnswered(method: String, status: Int, startedAt: UInt64?) {
        httpRequests.record(method: method, status: status)
        if let startedAt { httpLatency.record(nanoseconds: MonotonicClock.nanoseconds() &- startedAt) }
    }
}
