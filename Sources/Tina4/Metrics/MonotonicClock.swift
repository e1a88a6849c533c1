import Glibc

/// Nanoseconds from `CLOCK_MONOTONIC`, for durations (request latency).
///
/// ```swift
/// let started = MonotonicClock.nanoseconds()
/// let took = MonotonicClock.nanoseconds() - started
/// ```
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
