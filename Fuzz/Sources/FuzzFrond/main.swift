// Frond (Sources/Tina4/Frond): the input is a template, lexed, parsed and rendered with a fixed
// context of hostile values (markup, extreme numbers, timestamps at Int64's bounds, odd Unicode,
// nesting) and templates to extend and include. Every render either returns text or throws a
// FrondError pointing into a template that exists (line ≥ 1 and within it, column ≥ 1); a
// template without markup or ways around escaping prints no `<`.
//
// Templates are code, trusted like Swift: a loop inside a loop, or `set s = s ~ s` in a loop,
// may legitimately run for hours or fill memory. So that such templates are not reported as
// hangs, an input may hold at most one loop, and may not both loop and `set`. (`range` is
// capped at 100,000 items by Frond itself.)
import FuzzSupport
@testable import Tina4

let context: JSONObject = [
    "name": "Ann <b>&amp;</b> \"quoted\" 'single'",
    "empty": "", "space": "  padded\t\n", "zero": 0, "one": 1, "negative": -42, "half": 0.5,
    "huge": .number(Double.greatestFiniteMagnitude), "tiny": .number(Double.leastNonzeroMagnitude),
    "big": .number(9.223_372_036_854_775_807e18), "small": .number(-9.223_372_036_854_775_808e18),
    "int64max": "9223372036854775807", "int64min": "-9223372036854775808", "digits": "99999999999999999999999",
    "iso": "2024-02-29T23:59:59+14:00", "stamp": 1_709_251_199, "yes": true, "no": false, "nothing": .null,
    "unicode": "e\u{301}\u{301} 🇺🇳👩‍👩‍👧 \u{212A} \u{0}\u{7F} \u{2028}", "js": "</script><script>alert(1)//",
    "items": ["a", 1, .null, ["nested"], ["k": "v"]],
    "numbers": [3, -1, 2.5, 1e15, 0],
    "user": ["name": "Bo", "roles": ["admin", "x\"y"], "profile": ["age": 30, "bio": "<i>hi</i>"]],
    "emptyList": [], "emptyMap": [:],
]

let fallbacks = [
    "base.html": "<title>{% block title %}Base{% endblock %}</title>{% block body %}{{ name }}{% endblock %}",
    "part.html": "<p>{{ name|upper }} {{ user.profile.age ?? 'none' }}</p>",
    "child.html": "{% extends 'base.html' %}{% block body %}child {{ parent() }}{% endblock %}",
]

/// How often `word` occurs in `text`, by UTF-8 bytes (not by Characters: a `<` followed by a
/// combining mark is one Character, but still a `<`).
func count(_ word: String, in text: String) -> Int {
    let needle = Array(word.utf8), haystack = Array(text.utf8)
    guard haystack.count >= needle.count else { return 0 }
    return (0...(haystack.count - needle.count)).count { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

runFuzzer { bytes in
    let source = String(decoding: bytes, as: UTF8.self)
    let loops = count("for", in: source), sets = count("set", in: source)   // "endfor" and "endset" count too
    guard loops <= 2, loops == 0 || sets == 0 else { return }
    let frond = Frond(directory: "/nonexistent-frond-fuzz", fallbacks: fallbacks)
    do throws(FrondError) {
        let output = try frond.renderString(source, context, name: "fuzz.html")
        // Autoescaping: with no markup of its own and nothing that opts out of escaping or adds
        // markup, a template prints no `<`, however hostile the values.
        let marksUp = ["<", "raw", "safe", "nl2br", "include", "extends"].contains { count($0, in: source) > 0 }
        invariant(marksUp || !output.utf8.contains(UInt8(ascii: "<")), "a value's `<` was printed unescaped: \(output)")
    } catch {
        let template: String
        switch error.template {
        case "fuzz.html": template = source
        default:
            guard let fallback = fallbacks[error.template] else {
                invariant(false, "an error in template '\(error.template)' that does not exist: \(error)")
                return
            }
            template = fallback
        }
        // Frond counts lines by LF bytes and columns by Unicode scalars (a CR is a column).
        let lines = template.utf8.count(where: { $0 == 0x0A }) + 1
        invariant(error.line >= 1 && error.line <= lines && error.column >= 1 && error.column <= template.unicodeScalars.count + 1,
                  "error position out of the template: \(error)")
    }
}
