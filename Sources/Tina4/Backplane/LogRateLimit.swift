/// Lets one log line of a kind through per interval and counts the ones it held back, so a
/// flood of bad input costs one line per interval, not one per message.
///
/// ```swift
/// var limit = LogRateLimit(interval: 10_000)
/// if let suppressed = limit.allow(now: loop.now()) {
///     log.warn("bad envelope ignored" + (suppressed > 0 ? " (\(suppressed) more not shown)" : ""))
/// }
/// ```
struct LogRateLimit: Sendable {
    let interval: UInt64
    private var nextAllowed: UInt64 = 0
    private var suppressed = 0

    init(interval: UInt64) { self.interval = interval }

    /// The number of lines held back since the last one let through, or nil to hold this one back.
    mutating func allow(now: UInt64) -> Int? {
        guard now >= nextAllowed else {
            suppressed += 1
            return nil
        }
        nextAllowed = now + interval
        defer { suppressed = 0 }
        return suppressed
    }
}
