import Testing
@testable import Tina4

/// Every filter over hostile inputs and arguments: extreme numbers, timestamps near Int64's
/// bounds (as numbers and as strings), odd Unicode, empty and nested values. Each render either
/// succeeds or throws a template error; none may trap, hang or build an enormous output (issue
/// 10: `date` trapped on "9223372036854775807"). Deterministic: a fixed seed.
@Suite(.timeLimit(.minutes(1))) struct FrondFilterFuzzTests {
    /// Every filter name (escape strategies come from the argument pool).
    static let filters = [
        "escape", "e", "raw", "safe", "upper", "lower", "capitalize", "title", "trim", "default", "length", "join",
        "split", "replace", "first", "last", "reverse", "sort", "keys", "json_encode", "url_encode", "nl2br",
        "striptags", "date", "round", "number_format", "abs",
    ]

    static let inputs: [JSON] = [
        .null, true, false, 0, -0.0, 1, -1, 0.5, -2.5, 1e15, -1e15, .number(1e15 - 1), 9.007_199_254_740_993e15,
        1e300, -1e300, .number(Double.greatestFiniteMagnitude), .number(-Double.greatestFiniteMagnitude),
        .number(Double.leastNonzeroMagnitude), .number(9.223_372_036_854_775_807e18), .number(-9.223_372_036_854_775_808e18),
        "", " ", "now", "NOW ", "0", "-0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999", "999999999999999", "-999999999999999", "1e400", "-1e400",
        "nan", "inf", "0x10", "1.5e308", "2024-02-29", "2023-02-29", "9999-12-31T23:59:59.999999999+23:59",
        "0000-01-01T00:00:00-23:59", "2024-03-09T14:05:30,5Z", "2024-13-01", "2024-03-09T24:00", "2024-03-09T14:05+",
        "<a href=\"x\">'&'</a>", "\u{0}\u{1}\u{7F}", "e\u{301}\u{301}\u{301}", "🇺🇳👩‍👩‍👧", "\u{212A}elvin", "a\r\nb\rc\n",
        "<!-- x", "<a '>", .string(String(repeating: "ab", count: 500)),
        [], [1, "b", nil, [2]], [.number(.greatestFiniteMagnitude), -1, "x"], ["k": "v", "n": 1], [:],
        ["nested": ["deep": [1, 2, 3]]],
    ]

    static let arguments: [JSON] = [
        .null, 0, 1, -1, 2, 3, 100, -100, 9_007_199_254_740_991, -9_007_199_254_740_991, 1e15, -1e15, 0.5,
        "", " ", ",", "left", "right", "both", "common", "floor", "ceil", "html", "js", "url", "html_attr", "css",
        "d D j l N S w z W F m M n t L o Y y a A g G h H i s u v e T P p O Z c r U \\Y",
        "U", "Y-m-d", "\u{0}", "e\u{301}", ["a": "b"], [1, 2], true,
    ]

    @Test func noFilterInputTraps() throws {
        let frond = Frond(directory: "/nonexistent-frond-fuzz")
        var random = SplitMix64(seed: 10)
        var rendered = 0, refused = 0
        for filter in Self.filters {
            for input in Self.inputs {
                // No arguments, then a few random argument lists of each length.
                var lists: [[JSON]] = [[]]
                for count in 1...3 {
                    for _ in 0..<4 { lists.append((0..<count).map { _ in Self.arguments.randomElement(using: &random)! }) }
                }
                for list in lists {
                    let names = list.indices.map { "a\($0)" }
                    let call = names.isEmpty ? filter : "\(filter)(\(names.joined(separator: ", ")))"
                    var context: JSONObject = ["v": input]
                    for (name, value) in zip(names, list) { context[name] = value }
                    do {
                        let output = try frond.renderString("{{ v|\(call) }}|{{ v|\(call)|\(call) }}", context)
                        #expect(output.utf8.count < 1 << 20, "\(call) on \(input.serialized()): \(output.utf8.count) bytes")
                        rendered += 1
                    } catch {
                        #expect(!error.description.isEmpty)
                        refused += 1
                    }
                }
            }
        }
        #expect(rendered > 1000 && refused > 100, "rendered \(rendered), refused \(refused)")
    }

    @Test func dateNearTheInt64BoundsIsARefusalNotATrap() throws {
        let frond = Frond(directory: "/nonexistent-frond-fuzz")
        for text in ["9223372036854775807", "-9223372036854775808", "9223372036854775000", "-9223372036854775000"] {
            #expect(throws: FrondError.self) { try frond.renderString("{{ t|date('Y') }}", ["t": .string(text)]) }
        }
        #expect(try frond.renderString("{{ t|date('Y-m-d') }}", ["t": "86400"]) == "1970-01-02")
        #expect(try frond.renderString("{{ t|date('Y') }}", ["t": "-62135596800"]) == "0001")
    }

    @Test func numberFormatRefusesAbsurdPrecision() throws {
        let frond = Frond(directory: "/nonexistent-frond-fuzz")
        #expect(throws: FrondError.self) { try frond.renderString("{{ 1|number_format(9007199254740991) }}", [:]) }
        #expect(try frond.renderString("{{ 1.5|number_format(2) }}", [:]) == "1.50")
    }
}
