import Glibc

/// HTTP-dates (RFC 9110 §5.6.7) as whole seconds since the Unix epoch, by hand from `gmtime_r`.
///
/// ```swift
/// HTTPDate.format(784_111_777)                       // "Sun, 06 Nov 1994 08:49:37 GMT"
/// HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")   // 784111777
/// ```
enum HTTPDate {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The IMF-fixdate for `seconds`, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func format(_ seconds: Int) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&clock, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        let weekday = weekdays[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(weekday), \(padded(parts.tm_mday, 2)) \(month) \(padded(parts.tm_year + 1900, 4)) "
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)) GMT"
    }

    /// Seconds since the epoch for an IMF-fixdate, an RFC 850 date or an asctime date; nil otherwise.
    static func parse(_ text: String) -> Int? {
        let words = text.split(separator: " ")
        switch words.count {
        case 6: return parseIMFFixdate(words)
        case 4: return parseRFC850(words)
        case 5: return parseAsctime(words)
        default: return nil
        }
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    private static func parseIMFFixdate(_ words: [Substring]) -> Int? {
        guard words[0].hasSuffix(","), weekdays.contains(String(words[0].dropLast())),
              words[1].count == 2, let day = number(words[1]),
              let month = monthNumber(words[2]),
              words[3].count == 4, let year = number(words[3]),
              let time = clockTime(words[4]), words[5] == "GMT" else { return nil }
        return seconds(year: year, month: month, day: day, time: time)
    }

    /// `Sunday, 06-Nov-94 08:49:37 GMT`
    private static func parseRFC850(_ words: [Substring]) -> Int? {
        let date = words[1].split(separator: "-", omittingEmptySubsequences: false)
        guard words[0].hasSuffix(","), longWeekdays.contains(String(words[0].dropLast())),
              date.count == 3, date[0].count == 2, let day = number(date[0]),
              let month = monthNumber(date[1]),
              date[2].count == 2, let shortYear = number(date[2]),
              let time = clockTime(words[2]), words[3] == "GMT" else { return nil }
        return seconds(year: fullYear(shortYear), month: month, day: day, time: time)
    }

    /// `Sun Nov  6 08:49:37 1994`
    private static func parseAsctime(_ words: [Substring]) -> Int? {
        guard weekdays.contains(String(words[0])), let month = monthNumber(words[1]),
              (1...2).contains(words[2].count), let day = number(words[2]),
              let time = clockTime(words[3]),
              words[4].count == 4, let year = number(words[4]) else { return nil }
        return seconds(year: year, month: month, day: day, time: time)
    }

    /// RFC 9110: a two-digit year more than 50 years ahead belongs to the previous century.
    private static func fullYear(_ shortYear: Int) -> Int {
        let thisYear = currentYear()
        var year = thisYear - thisYear % 100 + shortYear
        if year > thisYear + 50 { year -= 100 }
        return year
    }

    private static func currentYear() -> Int {
        var clock = time(nil)
        var parts = tm()
        guard gmtime_r(&clock, &parts) != nil else { return 2000 }
        return Int(parts.tm_year) + 1900
    }

    private static func seconds(year: Int, month: Int, day: Int, time: (Int, Int, Int)) -> Int? {
        guard (1...31).contains(day), (0...23).contains(time.0), (0...59).contains(time.1),
              (0...60).contains(time.2), (1...9999).contains(year) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(time.0)
        parts.tm_min = Int32(time.1)
        parts.tm_sec = Int32(time.2)
        let result = timegm(&parts)
        // timegm normalises 31 Feb into March; a changed day or month means the date did not exist.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Int(result)
    }

    private static func clockTime(_ word: Substring) -> (Int, Int, Int)? {
        let fields = word.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ $0.count == 2 }),
              let hour = number(fields[0]), let minute = number(fields[1]),
              let second = number(fields[2]) else { return nil }
        return (hour, minute, second)
    }

    private static func monthNumber(_ word: Substring) -> Int? {
        months.firstIndex(of: String(word)).map { $0 + 1 }
    }

    private static func number(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(digits)
    }

    private static func padded(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
