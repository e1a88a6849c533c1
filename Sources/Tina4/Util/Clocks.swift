import Glibc

/// `CLOCK_MONOTONIC`: for durations and deadlines (it never jumps with the wall clock). The one
/// place the framework and the `tina4` commands read it.
///
/// ```swift
/// let started = MonotonicClock.nanoseconds()
/// let took = MonotonicClock.nanoseconds() - started
/// MonotonicClock.milliseconds()   // what the event loop's timers count in
/// ```
public enum MonotonicClock {
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    public static func milliseconds() -> UInt64 { nanoseconds() / 1_000_000 }

    public static func seconds() -> Double { Double(nanoseconds()) / 1e9 }
}

/// The wall clock (`CLOCK_REALTIME`) as seconds since the Unix epoch, for timestamps people read
/// (the dashboard's last disconnects); ``CivilTime`` turns it into dates.
///
/// ```swift
/// WallClock.seconds()   // 1796556777.123
/// ```
public enum WallClock {
    public static func seconds() -> Double {
        let now = CivilTime.now()
        return Double(now.seconds) + Double(now.nanoseconds) / 1e9
    }
}
