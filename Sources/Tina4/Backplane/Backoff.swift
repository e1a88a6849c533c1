/// Capped exponential backoff with jitter, for reconnecting: sans-I/O (the random source is given).
///
/// ```swift
/// var backoff = Backoff(minimum: 100, maximum: 3_000)
/// var random = SystemRandomNumberGenerator()
/// backoff.nextDelay(using: &random)   // 50…100 ms
/// backoff.nextDelay(using: &random)   // 100…200 ms, then 200…400, … up to 1500…3000
/// backoff.reset()                     // after a connection that worked
/// ```
/// Each delay is drawn between half and all of the current step ("equal jitter"), so instances
/// that lost Redis together do not all come back in the same millisecond.
struct Backoff: Sendable {
    let minimum: UInt64
    let maximum: UInt64
    private(set) var failures = 0

    init(minimum: UInt64, maximum: UInt64) {
        self.minimum = max(1, minimum)
        self.maximum = max(self.minimum, maximum)
    }

    /// The delay before the next attempt, in milliseconds; counts one more failure.
    mutating func nextDelay(using random: inout some RandomNumberGenerator) -> UInt64 {
        let step = failures >= 32 ? maximum : min(maximum, minimum << UInt64(failures))
        failures += 1
        let half = step / 2
        return half + UInt64.random(in: 0...(step - half), using: &random)
    }

    mutating func reset() { failures = 0 }
}
