/// Byte-level helpers shared by the HTTP parser and the URL helpers.
///
/// Everything here works on single `UInt8` values or on UTF-8 views, so the hot paths never
/// allocate. Token characters follow RFC 9110 §5.6.2.
enum HTTPBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let question: UInt8 = 0x3F
    static let slash: UInt8 = 0x2F
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let equals: UInt8 = 0x3D
    static let ampersand: UInt8 = 0x26
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// `tchar` from RFC 9110: ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true  // DIGIT, upper, lower
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E:
            return true  // ! # $ % & ' * + - . ^ _ ` | ~
        default: return false
        }
    }

    /// True when every byte is a `tchar` and there is at least one.
    static func isToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes where !isTokenChar(byte) { return false }
        return true
    }

    /// Optional whitespace (RFC 9110 `OWS`): SP or HTAB.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == htab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte &- 0x30
        case 0x41...0x46: return byte &- 0x41 &+ 10
        case 0x61...0x66: return byte &- 0x61 &+ 10
        default: return nil
        }
    }

    /// ASCII lower-casing of one byte; other bytes are returned unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// `text` with A–Z lower-cased and every other byte as it is: for tokens, media types and
    /// header names, which compare ASCII case-insensitively (RFC 9110 §5.1, §8.3.1). Unicode
    /// `lowercased()` would turn a Kelvin sign (U+212A) into `k`.
    static func asciiLowercased(_ text: some StringProtocol) -> String {
        withUTF8(text) { bytes in
            guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return String(text) }
            return String(decoding: bytes.lazy.map(lowercased), as: UTF8.self)
        }
    }

    /// ASCII case-insensitive comparison of two UTF-8 sequences (non-ASCII bytes must match exactly).
    static func equalsIgnoringCase<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        return a.elementsEqual(b) { lowercased($0) == lowercased($1) }
    }

    /// `a` and `b` are equal ignoring ASCII case (used for header names and tokens).
    @inline(__always)
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        equalsIgnoringCase(a.utf8, b.utf8)
    }

    /// Calls `body` for each comma-separated element of `value`, trimmed of SP/HTAB, skipping empty
    /// elements; stops early and returns true when `body` returns true.
    static func anyListElement(
        of value: String, where body: (Substring.UTF8View) -> Bool
    ) -> Bool {
        let utf8 = Substring(value).utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: comma) ?? utf8.endIndex
            var lower = start
            var upper = end
            while lower < upper && isWhitespace(utf8[lower]) { lower = utf8.index(after: lower) }
            while upper > lower && isWhitespace(utf8[utf8.index(before: upper)]) { upper = utf8.index(before: upper) }
            if lower < upper && body(utf8[lower..<upper]) { return true }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
        return false
    }

    /// "0x1F": how a forbidden byte is named in error reasons.
    static func describe(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0" + digits : "0x" + digits
    }

    /// Runs `body` on the contiguous UTF-8 bytes of `string`, copying only when the string has
    /// no contiguous storage.
    static func withUTF8<R>(_ string: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(string)
        return copy.withUTF8(body)
    }
}

extension Substring {
    /// The substring without leading and trailing SP/HTAB (byte-wise, so a combining mark after
    /// a space is not mistaken for part of it).
    func trimmingHTTPWhitespace() -> Substring {
        let utf8 = self.utf8
        var lower = utf8.startIndex
        var upper = utf8.endIndex
        while lower < upper && HTTPBytes.isWhitespace(utf8[lower]) { lower = utf8.index(after: lower) }
        while upper > lower && HTTPBytes.isWhitespace(utf8[utf8.index(before: upper)]) { upper = utf8.index(before: upper) }
        return self[lower..<upper]
    }

    /// Splits at `separator` bytes, keeping empty pieces (RFC 9110 list syntax is byte-based).
    func splitHTTPList(_ separator: UInt8 = HTTPBytes.comma) -> [Substring] {
        utf8.split(separator: separator, omittingEmptySubsequences: false).map { Substring($0) }
    }
}
