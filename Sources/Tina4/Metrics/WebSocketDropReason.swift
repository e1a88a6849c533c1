/// Why the server dropped a WebSocket connection (or refused one) on its own initiative: the
/// `reason` label of `tina4_websocket_dropped_total`.
///
/// Each reason is counted by one call at the one spot it happens:
/// ```swift
/// hub.metrics.webSocketDropped(.slowConsumer, connection: connection)   // an open connection
/// hub.metrics.webSocketRefused(.originRefused, path: path)              // a refused handshake
/// ```
/// Refusals below the WebSocket layer (the connection caps' 503, a stalled writer) are counted
/// apart, in ``ServerMetrics/count(_:)``.
public enum WebSocketDropReason: Int, CaseIterable, Sendable {
    /// More than the output cap was queued on a client that is not reading.
    case slowConsumer
    /// The client sent more messages than the per-connection rate limit allows.
    case rateLimited
    /// No pong (nor any frame) within a heartbeat interval after a ping.
    case heartbeatTimeout
    /// A fragmented message made no progress in time.
    case partialMessageTimeout
    /// The handshake's `Origin` is not allowed (403).
    case originRefused

    /// The label value: `slow_consumer`, `rate_limited`, …
    public var label: String {
        switch self {
        case .slowConsumer: "slow_consumer"
        case .rateLimited: "rate_limited"
        case .heartbeatTimeout: "heartbeat_timeout"
        case .partialMessageTimeout: "partial_message_timeout"
        case .originRefused: "origin_refused"
        }
    }
}

extension WebSocketDropReason {
    /// The reason a connection machine decided to drop a connection for, as counted.
    init(_ reason: WebSocketConnectionMachine.DropReason) {
        switch reason {
        case .slowConsumer: self = .slowConsumer
        case .rateLimited: self = .rateLimited
        case .heartbeatTimeout: self = .heartbeatTimeout
        case .messageStalled: self = .partialMessageTimeout
        }
    }
}
