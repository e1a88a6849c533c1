/// At most `count` messages per `seconds` on one WebSocket (`TINA4_WS_RATE_LIMIT=COUNT/SECONDS`):
/// a token bucket that holds `count` tokens and refills at `count` per `seconds`; a message
/// takes one, and a client that sends with the bucket empty is closed with 1008 "rate limit
/// exceeded". Messages are counted, not frames: a message in ten fragments is one.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.webSocketRateLimit = WebSocketRateLimit(parsing: "100/60")   // the chapter's figure
/// ```
public struct WebSocketRateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Messages allowed at once (the bucket's size), and per `seconds` after that.
    public let count: Int
    public let seconds: Int

    /// Nil unless 1 ≤ `count` ≤ 1,000 per second of `seconds` and 1 ≤ `seconds` ≤ 86,400 (the
    /// bucket refills in whole milliseconds, so one message per millisecond is the finest rate).
    public init?(count: Int, seconds: Int) {
        guard (1...86_400).contains(seconds), count >= 1, count <= seconds * 1_000 else { return nil }
        self.count = count
        self.seconds = seconds
    }

    /// `COUNT/SECONDS`, e.g. `100/60`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
              let count = Int(parts[0]), let seconds = Int(parts[1]) else { return nil }
        self.init(count: count, seconds: seconds)
    }

    public var description: String { "\(count)/\(seconds)" }

    /// Milliseconds one token takes to come back (rounded up: never more than `count` per `seconds`).
    var millisecondsPerMessage: UInt32 { UInt32((seconds * 1_000 + count - 1) / count) }

    /// How far ahead of now the bucket may run: a full bucket is `count` messages at once.
    var burstMilliseconds: UInt32 { millisecondsPerMessage * UInt32(count - 1) }
}

/// One connection's bucket, in 4 bytes: the generic cell rate algorithm's "theoretical arrival
/// time" (when the bucket is full again), in milliseconds of the loop's clock modulo 2³², 0
/// meaning full. Sans-I/O: the time is an input.
///
/// ```swift
/// var bucket = MessageRateBucket()
/// let limit = WebSocketRateLimit(count: 3, seconds: 1)!
/// bucket.admit(now: 0, limit)   // true, true, true, then false until 334 ms later
/// ```
/// Comparisons are modulo 2³² (valid within ±24 days of now); ``forgetPast(now:)`` (each
/// heartbeat tick) sets a bucket that is full again back to 0, so a quiet connection never
/// drifts that far.
struct MessageRateBucket: Equatable {
    private var fullAt: UInt32 = 0

    /// Takes a token for a message arriving at `now`; false when the bucket is empty.
    mutating func admit(now: UInt64, _ limit: WebSocketRateLimit) -> Bool {
        let now32 = UInt32(truncatingIfNeeded: now)
        let ahead = fullAt == 0 ? 0 : max(0, Int64(Int32(bitPattern: fullAt &- now32)))
        guard ahead <= Int64(limit.burstMilliseconds) else { return false }
        let next = UInt32(truncatingIfNeeded: Int64(now32) + ahead + Int64(limit.millisecondsPerMessage))
        fullAt = next == 0 ? 1 : next
        return true
    }

    /// Marks the bucket full if its time has passed.
    mutating func forgetPast(now: UInt64) {
        if fullAt != 0, Int32(bitPattern: fullAt &- UInt32(truncatingIfNeeded: now)) <= 0 { fullAt = 0 }
    }
}
