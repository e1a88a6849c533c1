import Glibc

/// Timestamps in the forms the chapter's messages use.
///
/// ```swift
/// Timestamp.iso8601()     // "2026-11-22T04:50:01.123Z" (like JavaScript's toISOString)
/// Timestamp.timeOfDay()   // "06:50:01" (local time, like the room exercise's HH:MM:SS)
/// ```
public enum Timestamp {
    /// UTC with milliseconds.
    public static func iso8601() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(now.tv_nsec) / 1_000_000
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad3(millis))Z"
    }

    /// Local wall-clock time as `HH:MM:SS`.
    public static func timeOfDay() -> String {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
    }

    private static func pad(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func pad3(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
}
