/// A moment in UTC broken into calendar fields (``CivilTime``), for the `date` filter. All dates
/// are shown in UTC.
struct FrondDate {
    var seconds: Int64  // since 1970-01-01T00:00:00Z
    var nanoseconds: Int
    var civil: CivilTime
    var year: Int { civil.year }
    var month: Int { civil.month }
    var day: Int { civil.day }
    var hour: Int { civil.hour }
    var minute: Int { civil.minute }
    var second: Int { civil.second }
    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int { civil.weekday }
    var dayOfYear: Int { civil.dayOfYear }

    /// The largest distance from the epoch, in seconds, that the filter accepts (about 31.7
    /// million years either way): keeps every derived value far from `Int64` overflow.
    static let maxSeconds: Int64 = 1_000_000_000_000_000

    init(seconds: Int64, nanoseconds: Int = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        civil = CivilTime(seconds: seconds)
    }

    static func now() -> FrondDate {
        let now = CivilTime.now()
        return FrondDate(seconds: now.seconds, nanoseconds: now.nanoseconds)
    }

    /// ISO-8601 week-numbering year and week.
    var isoWeek: (year: Int, week: Int) {
        let isoWeekday = weekday == 0 ? 7 : weekday
        let thursday = CivilTime(seconds: (civil.days - Int64(isoWeekday) + 4) * 86_400)
        return (thursday.year, thursday.dayOfYear / 7 + 1)
    }
}

// MARK: - Parsing

extension FrondDate {
    /// Reads `"now"`, a Unix timestamp (as a number or digits), or an ISO-8601 date such as
    /// `2024-03-09`, `2024-03-09 14:05`, `2024-03-09T14:05:30.25Z` or `2024-03-09T14:05:30+02:00`.
    init?(parsing value: JSON) {
        switch value {
        case .number(let n):
            guard n.isFinite, abs(n) < Double(Self.maxSeconds) else { return nil }
            let whole = n.rounded(.down)
            self.init(seconds: Int64(whole), nanoseconds: Int((n - whole) * 1e9))
        case .string(let raw):
            let text = Coerce.trimmingSpaces(raw)
            if text.lowercased() == "now" {
                self = .now()
            } else if let n = Int64(text) {
                guard n.magnitude < Self.maxSeconds.magnitude else { return nil }
                self.init(seconds: n)
            } else if let parsed = Self.parseISO(Array(text.utf8)) {
                self = parsed
            } else {
                return nil
            }
        default: return nil
        }
    }

    private static func parseISO(_ b: [UInt8]) -> FrondDate? {
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var n = 0
            for k in i..<(i + count) {
                guard b[k] >= UInt8(ascii: "0") && b[k] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(b[k] - UInt8(ascii: "0"))
            }
            i += count
            return n
        }
        func skip(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
              (1...12).contains(month), (1...CivilTime.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, nanos = 0, offset = 0
        if skip("T") || skip("t") || skip(" ") {
            guard let h = number(2), skip(":"), let m = number(2), h < 24, m < 60 else { return nil }
            (hour, minute) = (h, m)
            if skip(":") {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                if skip(".") || skip(",") {
                    var scale = 100_000_000, any = false
                    while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                        nanos += Int(b[i] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        any = true
                        i += 1
                    }
                    guard any else { return nil }
                }
            }
            if skip("Z") || skip("z") {
            } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2), oh < 24 else { return nil }
                _ = skip(":")
                let om = i < b.count ? number(2) ?? -1 : 0
                guard (0..<60).contains(om) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return nil }
        let seconds = CivilTime.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return FrondDate(seconds: seconds, nanoseconds: nanos)
    }
}

// MARK: - Formatting

extension FrondDate {
    private static let monthNames = CivilTime.monthNames
    private static let dayNames = CivilTime.weekdayNames

    /// Formats with PHP `date()` letters: d D j l N S w z W F m M n t L o Y y a A g G h H i s u v e T P p O Z c r U;
    /// `\` makes the next character literal, and any other character is copied.
    func format(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        for c in pattern {
            if escaped {
                out.append(c)
                escaped = false
                continue
            }
            switch c {
            case "\\": escaped = true
            case "d": out += Self.pad(day, 2)
            case "D": out += String(Self.dayNames[weekday].prefix(3))
            case "j": out += String(day)
            case "l": out += Self.dayNames[weekday]
            case "N": out += String(weekday == 0 ? 7 : weekday)
            case "S": out += Self.ordinalSuffix(day)
            case "w": out += String(weekday)
            case "z": out += String(dayOfYear)
            case "W": out += Self.pad(isoWeek.week, 2)
            case "F": out += Self.monthNames[month - 1]
            case "m": out += Self.pad(month, 2)
            case "M": out += String(Self.monthNames[month - 1].prefix(3))
            case "n": out += String(month)
            case "t": out += String(CivilTime.daysIn(month: month, year: year))
            case "L": out += CivilTime.isLeap(year) ? "1" : "0"
            case "o": out += String(isoWeek.year)
            case "Y": out += Self.pad(year, 4)
            case "y": out += Self.pad(((year % 100) + 100) % 100, 2)
            case "a": out += hour < 12 ? "am" : "pm"
            case "A": out += hour < 12 ? "AM" : "PM"
            case "g": out += String(hour % 12 == 0 ? 12 : hour % 12)
            case "G": out += String(hour)
            case "h": out += Self.pad(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "H": out += Self.pad(hour, 2)
            case "i": out += Self.pad(minute, 2)
            case "s": out += Self.pad(second, 2)
            case "u": out += Self.pad(nanoseconds / 1000, 6)
            case "v": out += Self.pad(nanoseconds / 1_000_000, 3)
            case "e", "T": out += "UTC"
            case "P": out += "+00:00"
            case "p": out += "Z"
            case "O": out += "+0000"
            case "Z", "I": out += "0"
            case "c": out += format("Y-m-d\\TH:i:sP")
            case "r": out += format("D, d M Y H:i:s O")
            case "U": out += String(seconds)
            default: out.append(c)
            }
        }
        return out
    }

    private static func pad(_ value: Int, _ width: Int) -> String { CivilTime.pad(value, width) }

    private static func ordinalSuffix(_ day: Int) -> String {
        if (11...13).contains(day % 100) { return "th" }
        switch day % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }
}
