/// Every setting of the server, with its default. Limits apply per connection.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.port = 0                    // any free port (tests)
/// configuration.maxMessageBytes = 64 * 1024
/// let server = Server(configuration: configuration)
/// ```
public struct ServerConfiguration: Sendable {
    /// Address to bind: `0.0.0.0` for every IPv4 interface, `127.0.0.1` for this machine only, `::` for IPv6.
    public var host = "0.0.0.0"
    /// TCP port (Tina4 Swift's default is 7149; 0 picks a free port).
    public var port = 7149
    /// Largest WebSocket message, summed over its fragments; a bigger one closes with 1009.
    public var maxMessageBytes = 1 << 20
    /// Largest HTTP request body; a bigger one answers 413.
    public var maxBodyBytes = 8 << 20
    /// Largest HTTP header block; a bigger one answers 431.
    public var maxHeaderBytes = 16 * 1024
    /// Unwritten bytes one connection may have queued: a send onto a queue already holding more
    /// means the client is not reading, and it is disconnected. It bounds a backlog (broadcasts to
    /// a WebSocket that stopped reading), not one item: a response or message bigger than this is
    /// still delivered to a client that reads it.
    public var maxOutputBytes = 16 << 20
    /// The same backlog cap for a WebSocket (`TINA4_WS_MAX_BUFFER`): a client over it is not
    /// reading; a 1008 close frame is tried once (it may not fit) and the socket dropped, while
    /// everyone else carries on. Set it above twice `maxMessageBytes` to echo messages that big.
    public var maxWebSocketOutputBytes = 16 << 20
    /// The WebSocket heartbeat (`TINA4_WS_PING_INTERVAL`, in seconds there): every interval
    /// each WebSocket is pinged, and one that sent nothing at all since the previous ping is
    /// closed with 1001, one that left a message half-sent with no data since then with 1008.
    /// 0 turns both off. One timer per server, not per connection.
    public var pingIntervalMilliseconds: UInt64 = 30_000
    /// Messages per WebSocket (`TINA4_WS_RATE_LIMIT=COUNT/SECONDS`): a client over it is closed
    /// with 1008 "rate limit exceeded". Nil (the default): no limit, and no cost.
    public var webSocketRateLimit: WebSocketRateLimit?
    /// HTTP backpressure: while more than this waits to be written on a connection, the server
    /// reads and answers no further (pipelined) requests on it, and resumes once the output has
    /// drained. So pipelining many large GETs queues about one response at a time.
    public var outputHighWaterBytes = 1 << 20
    /// After the server sends a WebSocket close frame, how long it waits for the client's.
    public var closeTimeoutMilliseconds: UInt64 = 5_000
    /// How long an idle keep-alive HTTP connection stays open.
    public var keepAliveTimeoutMilliseconds: UInt64 = 30_000
    /// How long a client may take to send a whole request once it started (slowloris guard): 408 after.
    /// Also the window of the write deadline (see ``minimumReadBytesPerSecond``).
    public var requestTimeoutMilliseconds: UInt64 = 30_000
    /// While a connection's socket is full (the client is not taking what the server sends: a
    /// response, a final answer before a close, WebSocket messages), the client must read at least
    /// this many bytes per second, averaged over each ``requestTimeoutMilliseconds`` window
    /// (30 KiB per 30 s by default), or the connection is closed. 0 still requires one byte per
    /// window.
    public var minimumReadBytesPerSecond = 1_024
    /// Most connections open at once (HTTP and WebSocket); one more is answered
    /// `503 Service Unavailable` and closed (`TINA4_MAX_CONNECTIONS`).
    public var maxConnections = 100_000
    /// Most connections open at once from one IP address, 0 for no limit (the default: behind a
    /// proxy every client has the proxy's address); one more is answered 503 (`TINA4_MAX_PER_IP`).
    public var maxConnectionsPerAddress = 0
    /// On SIGINT/SIGTERM, how long ``Server/shutDown(then:)`` waits for WebSocket clients to
    /// answer the close and for responses to finish before closing what is left (`TINA4_SHUTDOWN_GRACE`, seconds).
    public var shutdownGraceMilliseconds: UInt64 = 5_000
    /// After a final response or close frame, how long the server reads and discards what the
    /// client still sends before it closes the socket.
    public var lingerMilliseconds: UInt64 = 2_000
    /// Directory of static files (`/js/frond.js` is `public/js/frond.js`).
    public var publicDirectory = "public"
    /// Directory of Frond templates.
    public var templateDirectory = "src/templates"
    /// permessage-deflate (RFC 7692) policy; `TINA4_WS_COMPRESSION=off` disables it.
    public var compression = PerMessageDeflateConfiguration()
    /// Who may read `/metrics` (and ``metricsPaths``): `TINA4_METRICS=off|on|loopback`.
    public var metrics = MetricsAccess.loopback
    /// Other paths answered under the same rule as `/metrics` (exact canonical paths, HTTP or
    /// WebSocket): `tina4 serve` adds the dashboard's `/dashboard` and `/ws/dashboard`.
    public var metricsPaths: Set<String> = []
    /// Browser origins that may open a WebSocket (`TINA4_WS_ALLOWED_ORIGINS`); others get 403.
    /// nil (the default, as in the chapter) allows every origin.
    public var allowedOrigins: WebSocketOriginPolicy?

    public init() {}

    /// A setting from the environment that cannot be used.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var name: String
        public var value: String
        public var expected: String
        /// One line, e.g. `TINA4_PORT=abc is not valid: expected a whole number from 0 to 65535`
        /// (control characters in the value are shown escaped).
        public var description: String {
            let shown = value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
            return "\(name)=\(shown) is not valid: expected \(expected)"
        }
    }

    /// Defaults overridden by `TINA4_HOST`/`HOST`, `TINA4_PORT`/`PORT`, `TINA4_WS_MAX_MESSAGE`,
    /// `TINA4_MAX_BODY`, `TINA4_WS_MAX_BUFFER` (bytes), `TINA4_WS_COMPRESSION` (on/off),
    /// `TINA4_WS_PING_INTERVAL` (seconds, 0: off), `TINA4_WS_RATE_LIMIT` (COUNT/SECONDS or off),
    /// `TINA4_METRICS` (off/on/loopback), `TINA4_WS_ALLOWED_ORIGINS` (origins such as `https://example.com`, or `same-origin`, comma-separated),
    /// `TINA4_MAX_CONNECTIONS`, `TINA4_MAX_PER_IP` (0: off), `TINA4_SHUTDOWN_GRACE` (seconds).
    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = [environment["TINA4_HOST"], environment["HOST"]].lazy.compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            configuration.host = host   // an empty variable counts as unset, as for the port
        }
        if let port = try integer("TINA4_PORT", environment, range: 0...65535) {
            configuration.port = port
        } else if let port = try integer("PORT", environment, range: 0...65535) {
            configuration.port = port
        }
        if let size = try integer("TINA4_WS_MAX_MESSAGE", environment, range: 125...(1 << 30)) {
            configuration.maxMessageBytes = size
        }
        if let size = try integer("TINA4_MAX_BODY", environment, range: 0...(1 << 30)) {
            configuration.maxBodyBytes = size
        }
        if let size = try integer("TINA4_WS_MAX_BUFFER", environment, range: 1024...(1 << 34)) {
            configuration.maxWebSocketOutputBytes = size
        }
        if let seconds = try integer("TINA4_WS_PING_INTERVAL", environment, range: 0...86_400) {
            configuration.pingIntervalMilliseconds = UInt64(seconds) * 1_000
        }
        if let text = environment["TINA4_WS_RATE_LIMIT"], !text.isEmpty, text != "off" {
            guard let limit = WebSocketRateLimit(parsing: text) else {
                throw Invalid(name: "TINA4_WS_RATE_LIMIT", value: text,
                              expected: "COUNT/SECONDS (e.g. 100/60: 1 to 86400 seconds, at most 1000 messages a second) or off")
            }
            configuration.webSocketRateLimit = limit
        }
        if let count = try integer("TINA4_MAX_CONNECTIONS", environment, range: 1...(1 << 24)) {
            configuration.maxConnections = count
        }
        if let count = try integer("TINA4_MAX_PER_IP", environment, range: 0...(1 << 24)) {
            configuration.maxConnectionsPerAddress = count
        }
        if let seconds = try integer("TINA4_SHUTDOWN_GRACE", environment, range: 0...3_600) {
            configuration.shutdownGraceMilliseconds = UInt64(seconds) * 1_000
        }
        configuration.compression = try PerMessageDeflateConfiguration.fromEnvironment(environment)
        configuration.metrics = try MetricsAccess.fromEnvironment(environment)
        if let list = environment["TINA4_WS_ALLOWED_ORIGINS"], !list.isEmpty {
            do {
                configuration.allowedOrigins = try WebSocketOriginPolicy(parsing: list)
            } catch {
                throw Invalid(name: "TINA4_WS_ALLOWED_ORIGINS", value: list,
                              expected: "origins such as https://example.com or http://localhost:7149, or same-origin, comma-separated (\"\(error.element)\" is neither)")
            }
        }
        return configuration
    }

    private static func integer(_ name: String, _ environment: [String: String], range: ClosedRange<Int>) throws(Invalid) -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Invalid(name: name, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
