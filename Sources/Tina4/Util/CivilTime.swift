#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment as proleptic-Gregorian calendar fields, by integer arithmetic: the one calendar
/// that HTTP dates, log stamps, message timestamps and the template `date` filter share.
///
/// Every `Int64` second converts without trapping (years far outside 1…9999 are just large).
/// ```swift
/// let t = CivilTime(seconds: 784_111_777)
/// (t.year, t.month, t.day, t.hour, t.weekday)        // (1994, 11, 6, 8, 0)  — a Sunday
/// CivilTime.days(year: 1970, month: 1, day: 2)       // 1
/// CivilTime(seconds: now, offset: CivilTime.localOffset(at: now)).hour   // local wall-clock hour
/// ```
struct CivilTime: Sendable, Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int
    /// Days since 1970-01-01 of the (offset) date.
    var days: Int64

    /// The calendar fields of `seconds` since the epoch, shifted by `offset` seconds (east of UTC
    /// positive; 0 for UTC). Saturating, so no input traps.
    init(seconds: Int64, offset: Int = 0) {
        let (shifted, overflow) = seconds.addingReportingOverflow(Int64(offset))
        let moment = overflow ? (offset > 0 ? Int64.max : Int64.min) : shifted
        days = Self.floorDivide(moment, 86_400)
        let remainder = Int(moment % 86_400)
        let secondOfDay = remainder < 0 ? remainder + 86_400 : remainder
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        (year, month, day) = Self.civil(fromDays: days)
        weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    /// Days since 1970-01-01 in the year, 0 for January 1st.
    var dayOfYear: Int { Int(days - Self.days(year: year, month: 1, day: 1)) }

    // MARK: - Calendar arithmetic

    /// `a / b` rounded towards negative infinity (b > 0); never traps.
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return a % b < 0 ? quotient - 1 : quotient
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given date, counting in 400-year eras that start on March 1st.
    /// Years within ±10^12 (anything a date string or a timestamp can name) do not overflow.
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
        let z = days + 719_468  // |days| ≤ Int64.max / 86 400: no overflow
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    // MARK: - Clocks and text

    /// Seconds east of UTC of the local time zone at `seconds` (from the C library's zone data).
    static func localOffset(at seconds: Int64) -> Int {
        var clock = time_t(seconds)
        var parts = tm()
        guard localtime_r(&clock, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// The wall clock: whole seconds since the epoch and the nanoseconds past them.
    static func now() -> (seconds: Int64, nanoseconds: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return (Int64(spec.tv_sec), Int(spec.tv_nsec))
    }

    static let shortWeekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// `value` in decimal with leading zeros up to `width` digits (the sign, if any, first).
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    /// `YYYY-MM-DD HH:MM:SS`, the log's stamp.
    var dateAndTime: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2)) \(timeOfDay)"
    }

    /// `HH:MM:SS`.
    var timeOfDay: String { "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))" }
}
