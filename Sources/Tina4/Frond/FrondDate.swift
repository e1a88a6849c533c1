#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment in UTC broken into calendar fields, for the `date` filter. All dates are shown in UTC.
struct FrondDate {
    var seconds: Int64  // since 1970-01-01T00:00:00Z
    var nanoseconds: Int
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int
    /// Days since 1970-01-01.
    var days: Int64

    init(seconds: Int64, nanoseconds: Int = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        days = Self.floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        (year, month, day) = Self.civil(fromDays: days)
        weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    static func now() -> FrondDate {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return FrondDate(seconds: Int64(spec.tv_sec), nanoseconds: Int(spec.tv_nsec))
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian)

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given date, counting in 400-year eras that start on March 1st.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``days(year:month:day:)``.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    var dayOfYear: Int { Int(days - Self.days(year: year, month: 1, day: 1)) }

    /// ISO-8601 week-numbering year and week.
    var isoWeek: (year: Int, week: Int) {
        let isoWeekday = weekday == 0 ? 7 : weekday
        let thursday = FrondDate(seconds: (days - Int64(isoWeekday) + 4) * 86_400)
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
            guard n.isFinite, abs(n) < 1e15 else { return nil }
            let whole = n.rounded(.down)
            self.init(seconds: Int64(whole), nanoseconds: Int((n - whole) * 1e9))
        case .string(let raw):
            let text = Coerce.trimmingSpaces(raw)
            if text.lowercased() == "now" {
                self = .now()
            } else if let n = Int64(text) {
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
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
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
        let seconds = days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return FrondDate(seconds: seconds, nanoseconds: nanos)
    }
}

// MARK: - Formatting

extension FrondDate {
    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]
    private static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

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
            case "t": out += String(Self.daysIn(month: month, year: year))
            case "L": out += Self.isLeap(year) ? "1" : "0"
            case "o": out += String(isoWeek.year)
            case "Y": out += year < 0 ? "-" + Self.pad(-year, 4) : Self.pad(year, 4)
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

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

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
