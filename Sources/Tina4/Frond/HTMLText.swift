/// HTML escaping and the other text transforms that deal with markup.
enum HTMLText {
    /// Appends `text` with `& < > " '` replaced by `&amp; &lt; &gt; &quot; &#39;`.
    static func escape(_ text: String, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: [38, 97, 109, 112, 59])  // &amp;
            case UInt8(ascii: "<"): out.append(contentsOf: [38, 108, 116, 59])  // &lt;
            case UInt8(ascii: ">"): out.append(contentsOf: [38, 103, 116, 59])  // &gt;
            case UInt8(ascii: "\""): out.append(contentsOf: [38, 113, 117, 111, 116, 59])  // &quot;
            case UInt8(ascii: "'"): out.append(contentsOf: [38, 35, 51, 57, 59])  // &#39;
            default: out.append(byte)
            }
        }
    }

    /// `text` HTML-escaped.
    static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes every byte except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
    static func urlEncoded(_ text: String) -> String { PercentEncoding.encode(text) }

    /// Escapes for a JavaScript string literal: the JSON string body, with `"`, `'`, `<`, `>`, `&`,
    /// U+2028 and U+2029 as `\u` escapes, so it is safe in both quote styles, inside `<script>`
    /// and inside a quoted HTML attribute such as `onclick="say('…')"`.
    static func javaScriptEscaped(_ text: String) -> String {
        let quoted = JSON.string(text).serialized(escapeForHTML: true).utf8
        return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Escapes for an HTML attribute value, quoted or not, by Twig's `html_attr` rules: ASCII
    /// letters, digits and `, . - _` stay; `"` `&` `<` `>` become `&quot;` `&amp;` `&lt;` `&gt;`;
    /// other ASCII controls except tab, LF and CR (and DEL) become `&#xFFFD;`; anything else is a
    /// hexadecimal character reference (`&#x20;` for a space, `&#x00E9;` for é).
    static func attributeEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2C, 0x2E, 0x2D, 0x5F: out.unicodeScalars.append(scalar)
            case 0x22: out += "&quot;"
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x09, 0x0A, 0x0D: out += "&#x" + hex(value, width: 2) + ";"
            case 0x00...0x1F, 0x7F: out += "&#xFFFD;"
            case 0x20...0x7E: out += "&#x" + hex(value, width: 2) + ";"
            default: out += "&#x" + hex(value, width: 4) + ";"
            }
        }
        return out
    }

    /// Upper-case hexadecimal digits, at least `width` of them.
    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// HTML-escapes `text` (unless it is already `safe`) and puts `<br>` before each line break.
    static func newlinesToBreaks(_ text: String, safe: Bool) -> String {
        let escaped = safe ? text : Self.escaped(text)
        var out: [UInt8] = []
        out.reserveCapacity(escaped.utf8.count + 16)
        let bytes = Array(escaped.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x0A || byte == 0x0D {
                out.append(contentsOf: Array("<br>".utf8))
                out.append(byte)
                if byte == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                    out.append(0x0A)
                    i += 1
                }
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Removes HTML tags and comments: `<` followed by a letter, `/`, `!` or `?` up to the matching `>`
    /// (quoted attribute values may contain `>`). A lone `<`, as in `a < b`, stays.
    static func strippingTags(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "<"), i + 1 < bytes.count, startsTag(bytes[i + 1]) else {
                out.append(byte)
                i += 1
                continue
            }
            if ByteText.hasPrefix(bytes, Array("<!--".utf8), at: i) {
                i = (ByteText.find(Array("-->".utf8), in: bytes, from: i + 4).map { $0 + 3 }) ?? bytes.count
                continue
            }
            var quote: UInt8?
            i += 1
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: ">") {
                    break
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func startsTag(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?")
    }
}

/// Substring search and replacement on UTF-8 bytes. Matches of valid UTF-8 needles always fall on
/// scalar boundaries, so the pieces stay valid UTF-8.
enum ByteText {
    static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at start: Int) -> Bool {
        guard start + prefix.count <= bytes.count else { return false }
        for (k, byte) in prefix.enumerated() where bytes[start + k] != byte { return false }
        return true
    }

    /// The first offset at or after `start` where `needle` occurs; nil when absent or empty.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty, needle.count <= bytes.count else { return nil }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && hasPrefix(bytes, needle, at: i) { return i }
            i += 1
        }
        return nil
    }

    static func contains(_ text: String, _ part: String) -> Bool {
        part.isEmpty || find(Array(part.utf8), in: Array(text.utf8)) != nil
    }

    /// Splits at every `separator`; with `limit` > 0 at most `limit` pieces (the last holds the rest),
    /// with `limit` < 0 all but the last `-limit` pieces, as PHP's `explode`.
    static func split(_ text: String, by separator: String, limit: Int?) -> [String] {
        let bytes = Array(text.utf8), needle = Array(separator.utf8)
        var pieces: [String] = []
        var start = 0
        while limit.map({ $0 <= 0 || pieces.count < $0 - 1 }) ?? true, let hit = find(needle, in: bytes, from: start) {
            pieces.append(String(decoding: bytes[start..<hit], as: UTF8.self))
            start = hit + needle.count
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        if let limit, limit < 0 { pieces.removeLast(min(-limit, pieces.count)) }
        return pieces
    }

    /// Replaces, scanning once from the left, the longest `pairs` key that matches at each position
    /// (PHP's `strtr`); replaced text is not searched again. Empty keys are ignored.
    static func translate(_ text: String, _ pairs: [(from: String, to: String)]) -> String {
        let keys = pairs.filter { !$0.from.isEmpty }
            .map { (from: Array($0.from.utf8), to: Array($0.to.utf8)) }
            .sorted { $0.from.count > $1.from.count }
        guard !keys.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        scan: while i < bytes.count {
            for key in keys where bytes[i] == key.from[0] && hasPrefix(bytes, key.from, at: i) {
                out.append(contentsOf: key.to)
                i += key.from.count
                continue scan
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
