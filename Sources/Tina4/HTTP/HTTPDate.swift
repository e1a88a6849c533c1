/// HTTP-dates (RFC 9110 §5.6.7) as whole seconds since the Unix epoch, on ``CivilTime``.
///
/// ```swift
/// HTTPDate.format(784_111_777)                       // "Sun, 06 Nov 1994 08:49:37 GMT"
/// HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")   // 784111777
/// ```
enum HTTPDate {
    private static let weekdays = CivilTime.shortWeekdays
    private static let months = CivilTime.shortMonths

    /// The IMF-fixdate for `seconds`, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func format(_ seconds: Int) -> String {
        let t = CivilTime(seconds: Int64(seconds))
        return "\(weekdays[t.weekday]), \(CivilTime.pad(t.day, 2)) \(months[t.month - 1]) \(CivilTime.pad(t.year, 4)) "
            + "\(t.timeOfDay) GMT"
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
        guard words[0].hasSuffix(","), CivilTime.weekdayNames.contains(String(words[0].dropLast())),
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

    private static func currentYear() -> Int { CivilTime(seconds: CivilTime.now().seconds).year }

    /// Seconds since the epoch, or nil for a date that does not exist (31 Feb) or a time out of range.
    private static func seconds(year: Int, month: Int, day: Int, time: (Int, Int, Int)) -> Int? {
        guard (1...9999).contains(year), (1...CivilTime.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(time.0), (0...59).contains(time.1), (0...60).contains(time.2) else { return nil }
        let days = CivilTime.days(year: year, month: month, day: day)
        return Int(days) * 86_400 + time.0 * 3600 + time.1 * 60 + time.2
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
}
