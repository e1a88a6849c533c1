/// Percent-encoding as used in URLs and form bodies (RFC 3986 §2.1).
///
/// ```swift
/// PercentEncoding.decode("a%20b")                     // "a b"
/// PercentEncoding.decode("a+b", plusAsSpace: true)    // "a b"
/// PercentEncoding.decode("%G1")                       // nil
/// PercentEncoding.encode("a b/c")                     // "a%20b%2Fc"
/// ```
public enum PercentEncoding {
    /// Decodes `%XX` escapes; returns nil for a malformed escape or a result that is not valid
    /// UTF-8. With `plusAsSpace` (form and query encoding) `+` becomes a space. An escaped
    /// slash `%2F` decodes to "/" like any other escape.
    ///
    /// ```swift
    /// PercentEncoding.decode("caf%C3%A9")                 // "café"
    /// PercentEncoding.decode("two+words", plusAsSpace: true)   // "two words"
    /// PercentEncoding.decode("%FF")                       // nil (not UTF-8)
    /// ```
    public static func decode(_ s: some StringProtocol, plusAsSpace: Bool = false) -> String? {
        HTTPBytes.withUTF8(s) { decode(utf8: $0, plusAsSpace: plusAsSpace) }
    }

    /// ``decode(_:plusAsSpace:)`` on UTF-8 bytes.
    static func decode(utf8 input: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> String? {
        let needsWork = input.contains { $0 == HTTPBytes.percent || (plusAsSpace && $0 == HTTPBytes.plus) }
        guard needsWork else { return String(validating: input, as: UTF8.self) }
        guard let output = decodedBytes(input, plusAsSpace: plusAsSpace) else { return nil }
        return String(validating: output, as: UTF8.self)
    }

    /// The bytes `input` stands for, or nil for a malformed escape (`%`, `%4`, `%G1`). The one
    /// percent-decoder: query strings, form bodies, route segments and static paths all use it.
    static func decodedBytes(_ input: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> [UInt8]? {
        var malformed = false
        // Decoding never lengthens the text, so one allocation of the input's size suffices.
        let output = [UInt8](unsafeUninitializedCapacity: input.count) { out, initialized in
            var read = 0
            var written = 0
            while read < input.count {
                let byte = input[read]
                if byte == HTTPBytes.percent {
                    guard read + 2 < input.count,
                          let high = HTTPBytes.hexValue(input[read + 1]),
                          let low = HTTPBytes.hexValue(input[read + 2])
                    else {
                        malformed = true
                        break
                    }
                    out[written] = high << 4 | low
                    read += 3
                } else {
                    out[written] = plusAsSpace && byte == HTTPBytes.plus ? HTTPBytes.space : byte
                    read += 1
                }
                written += 1
            }
            initialized = written
        }
        return malformed ? nil : output
    }

    /// Encodes every byte except the unreserved characters (RFC 3986: ALPHA DIGIT - . _ ~) as
    /// `%XX` with upper-case hex digits.
    ///
    /// ```swift
    /// PercentEncoding.encode("q=a&b")   // "q%3Da%26b"
    /// PercentEncoding.encode("é")       // "%C3%A9"
    /// ```
    public static func encode(_ s: String) -> String {
        HTTPBytes.withUTF8(s) { input in
            let hex: (UInt8) -> UInt8 = { $0 < 10 ? 0x30 + $0 : 0x41 + $0 - 10 }
            let output = [UInt8](unsafeUninitializedCapacity: input.count * 3) { out, initialized in
                var written = 0
                for byte in input {
                    if isUnreserved(byte) {
                        out[written] = byte
                        written += 1
                    } else {
                        out[written] = HTTPBytes.percent
                        out[written + 1] = hex(byte >> 4)
                        out[written + 2] = hex(byte & 0x0F)
                        written += 3
                    }
                }
                initialized = written
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    @inline(__always)
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: return true  // ALPHA DIGIT - . _ ~
        default: return false
        }
    }
}
