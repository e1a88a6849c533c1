import Tina4

/// Every environment setting `tina4 serve` reads, with its default: the one table `tina4 help`
/// prints (and the README repeats). A new setting is one more row.
///
/// ```swift
/// Settings.table   // "  TINA4_PORT / PORT       7149    port to listen on; --port wins\n…"
/// ```
enum Settings {
    struct Row: Sendable {
        var name: String
        var defaultValue: String
        var meaning: String
    }

    private static let defaults = ServerConfiguration()
    private static let backplane = BackplaneConfiguration()

    static let rows: [Row] = [
        Row(name: "TINA4_HOST / HOST", defaultValue: defaults.host, meaning: "address to listen on; --host wins"),
        Row(name: "TINA4_PORT / PORT", defaultValue: "\(defaults.port)", meaning: "port to listen on (0: any free port); --port wins"),
        Row(name: "TINA4_WS_MAX_MESSAGE", defaultValue: "\(defaults.maxMessageBytes)",
            meaning: "largest WebSocket message in bytes (after inflating); bigger closes with 1009"),
        Row(name: "TINA4_WS_COMPRESSION", defaultValue: defaults.compression.isEnabled ? "on" : "off",
            meaning: "off declines permessage-deflate (RFC 7692) offers"),
        Row(name: "TINA4_WS_PING_INTERVAL", defaultValue: "\(defaults.pingIntervalMilliseconds / 1_000)",
            meaning: "seconds between heartbeat pings; nothing back for an interval closes with 1001, a message stuck halfway with 1008; 0: off"),
        Row(name: "TINA4_WS_MAX_BUFFER", defaultValue: "\(defaults.maxWebSocketOutputBytes)",
            meaning: "bytes queued for a WebSocket that is not reading before it is dropped (1008)"),
        Row(name: "TINA4_WS_RATE_LIMIT", defaultValue: defaults.webSocketRateLimit?.description ?? "off",
            meaning: "COUNT/SECONDS messages per connection, e.g. 100/60; more closes with 1008"),
        Row(name: "TINA4_MAX_BODY", defaultValue: "\(defaults.maxBodyBytes)", meaning: "largest HTTP request body in bytes; bigger answers 413"),
        Row(name: "TINA4_WS_ALLOWED_ORIGINS", defaultValue: "unset (any)",
            meaning: "browser origins that may open a WebSocket (https://example.com,…; same-origin: the Host's); others get 403"),
        Row(name: "TINA4_MAX_CONNECTIONS", defaultValue: "\(defaults.maxConnections)",
            meaning: "most connections open at once; one more is answered 503 and closed"),
        Row(name: "TINA4_MAX_PER_IP", defaultValue: "0 (off)",
            meaning: "most connections from one IP address (leave off behind a proxy); one more is answered 503"),
        Row(name: "TINA4_SHUTDOWN_GRACE", defaultValue: "\(defaults.shutdownGraceMilliseconds / 1_000)",
            meaning: "seconds SIGINT/SIGTERM waits for WebSockets to close and responses to finish"),
        Row(name: "TINA4_SECRET", defaultValue: "random per start", meaning: "HS256 secret of the /ws/secure demo's tokens, at least 32 bytes (shorter stops serve)"),
        Row(name: "TINA4_LOG_LEVEL", defaultValue: "info", meaning: "debug, info, warn or error"),
        Row(name: "TINA4_WS_BACKPLANE", defaultValue: "unset (off)", meaning: "redis: broadcasts and counts span every instance sharing one Redis"),
        Row(name: "TINA4_WS_BACKPLANE_URL", defaultValue: backplane.url.description, meaning: "redis://[user:pass@]host:port/db"),
        Row(name: "TINA4_WS_BACKPLANE_QUEUE", defaultValue: "\(backplane.queueLimit)",
            meaning: "envelopes kept while Redis is away (\(backplane.queueByteLimit >> 20) MiB at most), then published in order"),
        Row(name: "TINA4_METRICS", defaultValue: defaults.metrics.rawValue,
            meaning: "who may read /metrics and /dashboard: on, off (404) or loopback (127.0.0.1/::1 only, others get 403)"),
    ]

    /// The rows as aligned lines, two spaces in.
    static var table: String {
        let nameWidth = rows.map(\.name.count).max() ?? 0
        let defaultWidth = max(rows.map(\.defaultValue.count).max() ?? 0, "DEFAULT".count)
        func line(_ a: String, _ b: String, _ c: String) -> String {
            "  " + a.padding(to: nameWidth) + "  " + b.padding(to: defaultWidth) + "  " + c + "\n"
        }
        return line("SETTING", "DEFAULT", "").trimmingTrailingSpaces() + rows.map { line($0.name, $0.defaultValue, $0.meaning) }.joined()
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" \n") { text.removeLast(2); text += "\n" }
        return text
    }
}
