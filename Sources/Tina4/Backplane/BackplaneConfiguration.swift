/// The backplane settings, with their defaults. Off unless `TINA4_WS_BACKPLANE=redis`.
///
/// ```swift
/// let backplane = try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "redis"])
/// backplane?.url          // redis://localhost:6379/0
/// backplane?.queueLimit   // 10000 envelopes (and at most 16 MiB) kept while Redis is away
/// ```
public struct BackplaneConfiguration: Sendable, Equatable {
    /// The Redis server every instance shares (`TINA4_WS_BACKPLANE_URL`).
    public var url = RedisURL()
    /// The pub/sub channel of broadcast envelopes: the Tina4 family's channel.
    public var channel = "tina4:ws"
    /// The channel of connection counts and heartbeats (never `tina4:ws`: other editions relay an
    /// envelope of an unknown kind to all their clients).
    public var presenceChannel = "tina4:ws:presence"
    /// Envelopes kept while Redis is unreachable (`TINA4_WS_BACKPLANE_QUEUE`); the oldest is
    /// dropped beyond it, and the drops are counted in the recovery log line.
    public var queueLimit = 10_000
    /// Bytes of messages kept while Redis is unreachable, whichever limit comes first.
    public var queueByteLimit = 16 << 20
    /// Longest wait for a connection, and then for its handshake's replies (AUTH/SELECT, then
    /// SUBSCRIBE or PING): a link is up only once Redis has answered.
    public var connectTimeoutMilliseconds: UInt64 = 3_000
    /// A PING on the subscriber connection this often; no answer within
    /// ``replyTimeoutMilliseconds`` means the subscription is dead and is rebuilt.
    public var pingIntervalMilliseconds: UInt64 = 2_000
    /// How long a PING or a PUBLISH may wait for its reply.
    public var replyTimeoutMilliseconds: UInt64 = 3_000
    /// First reconnection delay; it doubles on each failure up to ``maxBackoffMilliseconds``,
    /// and each delay is drawn between half of it and all of it (jitter).
    public var minBackoffMilliseconds: UInt64 = 100
    public var maxBackoffMilliseconds: UInt64 = 3_000
    /// How often an instance publishes its counts as a heartbeat; an instance unheard for
    /// ``presenceTimeoutMilliseconds`` drops out of the cluster-wide counts.
    public var heartbeatMilliseconds: UInt64 = 1_000
    public var presenceTimeoutMilliseconds: UInt64 = 3_500
    /// Count changes are coalesced for this long before they are shared.
    public var countCoalesceMilliseconds: UInt64 = 20

    public init(url: RedisURL = RedisURL()) {
        self.url = url
    }

    /// The accepted values of `TINA4_WS_BACKPLANE`, for error messages.
    public static let accepted = "redis (or unset/empty for local-only broadcast)"

    /// The backplane `environment` asks for, or nil when it is off (`TINA4_WS_BACKPLANE` unset
    /// or empty). Any other value, a bad `TINA4_WS_BACKPLANE_URL` or `TINA4_WS_BACKPLANE_QUEUE`
    /// is an error naming the variable and what it accepts.
    public static func fromEnvironment(_ environment: [String: String]) throws(ServerConfiguration.Invalid) -> BackplaneConfiguration? {
        guard let kind = environment["TINA4_WS_BACKPLANE"], !kind.isEmpty else { return nil }
        guard kind.lowercased() == "redis" else {
            throw ServerConfiguration.Invalid(name: "TINA4_WS_BACKPLANE", value: kind, expected: accepted)
        }
        var configuration = BackplaneConfiguration()
        if let text = environment["TINA4_WS_BACKPLANE_URL"], !text.isEmpty {
            do {
                configuration.url = try RedisURL(parsing: text)
            } catch {
                throw ServerConfiguration.Invalid(name: "TINA4_WS_BACKPLANE_URL", value: RedisURL.redacted(text),
                                                  expected: "redis://[user:pass@]host:port/db (\(error.reason))")
            }
        }
        if let text = environment["TINA4_WS_BACKPLANE_QUEUE"], !text.isEmpty {
            guard let limit = Int(text), (0...10_000_000).contains(limit) else {
                throw ServerConfiguration.Invalid(name: "TINA4_WS_BACKPLANE_QUEUE", value: text,
                                                  expected: "a whole number of envelopes from 0 to 10000000")
            }
            configuration.queueLimit = limit
        }
        return configuration
    }
}
