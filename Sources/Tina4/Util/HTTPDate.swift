import Glibc

/// IMF-fixdate strings (`Sun, 06 Nov 1994 08:49:37 GMT`) for `Date` and `Last-Modified`.
public enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The date of a Unix time, in GMT.
    public static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// The `Date` header value, formatted at most once a second.
@MainActor
enum CurrentHTTPDate {
    private static var second = -1
    private static var text = ""

    static var value: String {
        let now = Int(time(nil))
        if now != second {
            second = now
            text = HTTPDate.format(now)
        }
        return text
    }
}
