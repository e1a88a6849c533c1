/// Timestamps in the forms the chapter's messages use (on ``CivilTime``).
///
/// ```swift
/// Timestamp.iso8601()     // "2026-11-22T04:50:01.123Z" (like JavaScript's toISOString)
/// Timestamp.timeOfDay()   // "06:50:01" (local time, like the room exercise's HH:MM:SS)
/// ```
public enum Timestamp {
    /// UTC with milliseconds.
    public static func iso8601() -> String {
        let now = CivilTime.now()
        let t = CivilTime(seconds: now.seconds)
        return "\(CivilTime.pad(t.year, 4))-\(CivilTime.pad(t.month, 2))-\(CivilTime.pad(t.day, 2))T"
            + "\(t.timeOfDay).\(CivilTime.pad(now.nanoseconds / 1_000_000, 3))Z"
    }

    /// Local wall-clock time as `HH:MM:SS`.
    public static func timeOfDay() -> String {
        let now = CivilTime.now().seconds
        return CivilTime(seconds: now, offset: CivilTime.localOffset(at: now)).timeOfDay
    }
}
