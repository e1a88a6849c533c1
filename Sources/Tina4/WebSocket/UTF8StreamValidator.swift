/// A streaming UTF-8 validator: feed bytes in any split, learn as soon as they cannot be UTF-8.
///
/// Follows the well-formed byte sequences of Unicode Table 3-7, so it rejects overlong forms
/// (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF), code points above U+10FFFF
/// (F4 90.., F5..FF) and stray continuation bytes. Runs of ASCII are checked 8 bytes at a time.
///
/// ```swift
/// var v = UTF8StreamValidator()
/// [0xE2, 0x82].withUnsafeBytes { v.feed($0) }   // true: "€" so far
/// v.isAtBoundary                                // false: one byte still owed
/// [0xAC].withUnsafeBytes { v.feed($0) }         // true
/// v.isAtBoundary                                // true: a complete message may end here
/// ```
///
/// `String(decoding:as:)` is not a validator: it silently replaces bad bytes with U+FFFD.
public struct UTF8StreamValidator: Sendable {
    /// Continuation bytes still owed by the sequence in progress (0–3).
    private var pending: UInt8 = 0
    /// The range the next continuation byte must fall in; narrower than 80..BF only right
    /// after E0, ED, F0 and F4.
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    private var failed = false

    public init() {}

    /// True when the bytes so far are valid and no multi-byte sequence is left open.
    public var isAtBoundary: Bool { pending == 0 && !failed }

    /// True once any fed byte proved the stream invalid; it stays true.
    public var hasFailed: Bool { failed }

    /// Checks the next bytes of the stream. Returns false as soon as they prove it is not
    /// UTF-8 (and from then on); true while it still may be.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if failed { return false }
        let count = bytes.count
        var i = 0
        while i < count {
            if pending == 0 {
                // ASCII fast path: skip whole words without a high bit, then the ASCII
                // prefix of the first word that has one.
                while i &+ 8 <= count {
                    let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let high = word & 0x8080_8080_8080_8080
                    if high != 0 {
                        i &+= high.trailingZeroBitCount >> 3
                        break
                    }
                    i &+= 8
                }
                if i >= count { break }
                let lead = bytes[i]
                i &+= 1
                if lead < 0x80 { continue }
                if !begin(lead) {
                    failed = true
                    return false
                }
            } else {
                let byte = bytes[i]
                i &+= 1
                if byte < low || byte > high {
                    failed = true
                    return false
                }
                pending &-= 1
                low = 0x80
                high = 0xBF
            }
        }
        return true
    }

    /// Checks the next bytes of the stream, given as an array.
    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Forgets the stream so the validator can check the next message.
    public mutating func reset() { self = UTF8StreamValidator() }

    /// True when `bytes` is, by itself, complete and valid UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8StreamValidator()
        return validator.feed(bytes) && validator.isAtBoundary
    }

    /// True when `bytes` is, by itself, complete and valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isValid($0) }
    }

    /// Sets up the sequence a non-ASCII lead byte opens; false for bytes that never lead.
    private mutating func begin(_ lead: UInt8) -> Bool {
        switch lead {
        case 0xC2...0xDF: pending = 1
        case 0xE0: pending = 2; low = 0xA0          // no overlong 3-byte forms
        case 0xE1...0xEC, 0xEE...0xEF: pending = 2
        case 0xED: pending = 2; high = 0x9F         // no surrogates D800..DFFF
        case 0xF0: pending = 3; low = 0x90          // no overlong 4-byte forms
        case 0xF1...0xF3: pending = 3
        case 0xF4: pending = 3; high = 0x8F         // nothing above U+10FFFF
        default: return false                       // 80..C1 and F5..FF
        }
        return true
    }
}
