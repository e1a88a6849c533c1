/// Base64 (RFC 4648): the standard alphabet with padding, and the URL-safe one without.
/// Decoding is strict: no whitespace, no missing or misplaced padding, no stray bits.
///
/// ```swift
/// Base64.encode(Array("hi".utf8))          // "aGk="
/// Base64.decode("aGk=")                    // [0x68, 0x69]
/// Base64.decode("aGk")                     // nil: padding required
/// Base64.encodeURLSafe([0xFB, 0xFF])       // "-_8"
/// ```
public enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardValues = values(of: standard)
    private static let urlSafeValues = values(of: urlSafe)
    private static let invalid: UInt8 = 0xFF
    private static let pad = UInt8(ascii: "=")

    /// Standard alphabet, padded with `=` to a multiple of 4 characters.
    public static func encode(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: standard, padded: true)
    }

    /// Decodes the standard, padded form; nil unless `s` is exactly such an encoding.
    public static func decode(_ s: String) -> [UInt8]? {
        decode(Array(s.utf8), values: standardValues, padded: true)
    }

    /// URL-safe alphabet (`-` and `_`), no padding.
    public static func encodeURLSafe(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: urlSafe, padded: false)
    }

    /// Decodes the URL-safe, unpadded form; nil unless `s` is exactly such an encoding.
    public static func decodeURLSafe(_ s: String) -> [UInt8]? {
        decode(Array(s.utf8), values: urlSafeValues, padded: false)
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padded: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)]]
            if padded { out += [pad, pad] }
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
            if padded { out.append(pad) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)   // ASCII by construction
    }

    private static func decode(_ chars: [UInt8], values: [UInt8], padded: Bool) -> [UInt8]? {
        var count = chars.count
        if padded {
            guard count % 4 == 0 else { return nil }
            if count > 0, chars[count - 1] == pad {
                count -= 1
                if chars[count - 1] == pad { count -= 1 }
            }
        }
        guard count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count / 4 * 3 + 2)
        var acc: UInt32 = 0
        for i in 0..<count {
            let v = values[Int(chars[i])]
            guard v != invalid else { return nil }
            acc = acc << 6 | UInt32(v)
            if i % 4 == 3 {
                out += [UInt8(acc >> 16), UInt8(acc >> 8 & 0xFF), UInt8(acc & 0xFF)]
                acc = 0
            }
        }
        // 2 leftover characters carry 1 byte + 4 zero bits; 3 carry 2 bytes + 2 zero bits.
        switch count % 4 {
        case 2:
            guard acc & 0xF == 0 else { return nil }
            out.append(UInt8(acc >> 4))
        case 3:
            guard acc & 0x3 == 0 else { return nil }
            out += [UInt8(acc >> 10), UInt8(acc >> 2 & 0xFF)]
        default:
            break
        }
        return out
    }

    private static func values(of alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = UInt8(value) }
        return table
    }
}
