import Glibc
import Testing
@testable import Tina4
import Tina4TestSupport

/// The one calendar: HTTP dates, log stamps, message timestamps and the `date` filter agree with
/// the C library and never trap.
@Suite struct CivilTimeTests {
    @Test func agreesWithGmtimeOverFourCenturiesOfRandomSeconds() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let seconds = Int64.random(in: -6_000_000_000...8_000_000_000, using: &random)  // 1779 … 2223
            var clock = time_t(seconds)
            var parts = tm()
            gmtime_r(&clock, &parts)
            let t = CivilTime(seconds: seconds)
            let expected = [Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(parts.tm_wday), Int(parts.tm_yday)]
            let actual = [t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday, t.dayOfYear]
            #expect(actual == expected, "\(seconds)")
            if actual != expected { return }
            #expect(CivilTime.days(year: t.year, month: t.month, day: t.day) == t.days)
        }
    }

    @Test func theExtremesOfInt64ConvertWithoutTrapping() {
        for seconds in [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max] {
            let t = CivilTime(seconds: seconds)
            #expect((1...12).contains(t.month) && (1...31).contains(t.day) && (0...6).contains(t.weekday))
            #expect((0...23).contains(t.hour) && (0...59).contains(t.minute) && (0...59).contains(t.second))
        }
        #expect(CivilTime(seconds: Int64.max, offset: 3600) == CivilTime(seconds: Int64.max))   // saturates
        #expect(CivilTime(seconds: Int64.min, offset: -3600) == CivilTime(seconds: Int64.min))
    }

    @Test func anOffsetShiftsTheWallClock() {
        let t = CivilTime(seconds: 0, offset: -5 * 3600)   // New York at the epoch
        #expect([t.year, t.month, t.day, t.hour, t.weekday] == [1969, 12, 31, 19, 3])
        #expect(t.dateAndTime == "1969-12-31 19:00:00")
    }

    @Test func localOffsetIsTheCLibrarysZone() {
        let now = CivilTime.now().seconds
        var clock = time_t(now)
        var parts = tm()
        localtime_r(&clock, &parts)
        let local = CivilTime(seconds: now, offset: CivilTime.localOffset(at: now))
        #expect([local.year, local.month, local.day, local.hour, local.minute]
            == [Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min)])
    }

    @Test func padding() {
        #expect(CivilTime.pad(7, 2) == "07")
        #expect(CivilTime.pad(2026, 2) == "2026")
        #expect(CivilTime.pad(-7, 4) == "-0007")
        #expect(CivilTime.pad(Int.min, 2) == "-9223372036854775808")
    }

    @Test func messageTimestampsHaveTheirShapes() {
        let iso = Array(Timestamp.iso8601().utf8)
        #expect(iso.count == 24 && iso[4] == UInt8(ascii: "-") && iso[10] == UInt8(ascii: "T") && iso[23] == UInt8(ascii: "Z"))
        #expect(Timestamp.timeOfDay().utf8.count == 8)
    }

    @Test func logLinesStartWithTheLocalDateAndTime() {
        let lines = LogLines()
        let log = lines.log(minimum: .info)
        let before = CivilTime.now().seconds
        log.info("hello")
        let line = lines.all.first ?? ""
        let stamp = CivilTime(seconds: before, offset: CivilTime.localOffset(at: before)).dateAndTime
        // The second may tick between the two readings.
        let next = CivilTime(seconds: before + 1, offset: CivilTime.localOffset(at: before + 1)).dateAndTime
        #expect(line == "\(stamp) INFO hello" || line == "\(next) INFO hello", "\(line)")
    }
}
