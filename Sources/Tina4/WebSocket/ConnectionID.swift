/// Connection ids: 11 random bytes as 15 URL-safe base64 characters (`A-Z a-z 0-9 - _`), short
/// enough to stay inline in a small String.
///
/// ```swift
/// ConnectionID.make()   // "kQ3v_Zr8Xn1-aLp"
/// ```
enum ConnectionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next(), low = generator.next()   // two calls to the system's CSPRNG
        let bytes = (0..<11).map { i in UInt8(truncatingIfNeeded: i < 8 ? high >> (8 * i) : low >> (8 * (i - 8))) }
        return Base64.encodeURLSafe(bytes)
    }
}
