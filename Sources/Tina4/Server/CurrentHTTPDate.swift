import Glibc

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
