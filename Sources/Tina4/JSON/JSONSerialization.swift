extension JSON {
    /// Compact JSON text. Object keys keep their order; `/` is not escaped.
    ///
    /// With `escapeForHTML`, `<`, `>`, `&`, `'` and a `"` inside a string become `\u003c`,
    /// `\u003e`, `\u0026`, `\u0027`, `\u0022` (PHP's `JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS
    /// | JSON_HEX_QUOT`), as do U+2028 and U+2029: no string can end a `<script>` element, a
    /// single-quoted HTML attribute or a JavaScript string literal early.
    /// ```swift
    /// JSON(["a": 1]).serialized()    // {"a":1}
    /// ```
    public func serialized(escapeForHTML: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(into: &out, escapeForHTML: escapeForHTML)
        return String(decoding: out, as: UTF8.self)  // built from valid UTF-8 only
    }

    /// The compact JSON text as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, escapeForHTML: false)
        return out
    }

    func write(into out: inout [UInt8], escapeForHTML: Bool) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: JSON.format(number: n).utf8)
        case .string(let s): JSON.writeString(s, into: &out, escapeForHTML: escapeForHTML)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out, escapeForHTML: escapeForHTML)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in object.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, into: &out, escapeForHTML: escapeForHTML)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out, escapeForHTML: escapeForHTML)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Integral values print without a fraction; NaN and infinities, which JSON cannot hold, print as null.
    static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n.rounded() == n && abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8], escapeForHTML: Bool) {
        out.append(UInt8(ascii: "\""))
        var utf8 = s.utf8.makeIterator()
        var pending: UInt8?
        while let byte = pending ?? utf8.next() {
            pending = nil
            // U+2028 and U+2029 (E2 80 A8 / A9) end a line in older JavaScript string literals.
            if escapeForHTML && byte == 0xE2, let second = utf8.next() {
                guard second == 0x80, let third = utf8.next() else { out.append(byte); pending = second; continue }
                if third == 0xA8 || third == 0xA9 {
                    out.append(contentsOf: third == 0xA8 ? Array("\\u2028".utf8) : Array("\\u2029".utf8))
                } else {
                    out.append(contentsOf: [byte, second, third])
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if escapeForHTML { appendUnicodeEscape(byte, into: &out) } else { out.append(contentsOf: [92, 34]) }
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "'"):
                if escapeForHTML { appendUnicodeEscape(byte, into: &out) } else { out.append(byte) }
            case 0..<0x20: appendUnicodeEscape(byte, into: &out)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
    }
}
