/// Validates a request-target and reduces it to the origin-form the router sees
/// (RFC 9112 §3.2).
///
/// - origin-form `/path?query` is kept as is;
/// - asterisk-form `*` is allowed for OPTIONS only;
/// - absolute-form `http://host/path?query` becomes `/path?query`, and its authority is returned
///   so it can replace the Host header (RFC 9112 §3.2.2);
/// - authority-form (CONNECT) and anything else is rejected with 400.
///
/// Only visible ASCII is allowed and a fragment (`#`) is rejected; percent-escapes are left for
/// the router to decode.
enum HTTPRequestTarget {
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, method: String
    ) throws(HTTPParseError) -> (target: String, authority: String?) {
        guard let first = bytes.first else { throw .badRequest("empty request-target") }
        for byte in bytes {
            if byte > HTTPBytes.space && byte < 0x7F && byte != UInt8(ascii: "#") { continue }
            if HTTPBytes.isWhitespace(byte) { throw .badRequest("whitespace in request-target") }
            if byte == UInt8(ascii: "#") { throw .badRequest("fragment in request-target") }
            throw .badRequest("invalid byte \(HTTPBytes.describe(byte)) in request-target")
        }
        if first == HTTPBytes.slash {
            return (String(decoding: bytes, as: UTF8.self), nil)
        }
        if bytes.count == 1 && first == UInt8(ascii: "*") {
            guard method == "OPTIONS" else { throw .badRequest("asterisk-form request-target is only allowed for OPTIONS") }
            return ("*", nil)
        }
        if let rest = stripScheme(bytes) {
            return try absoluteForm(rest)
        }
        throw .badRequest("request-target must start with '/'")
    }

    /// The bytes after `http://` or `https://` (scheme case-insensitive), or nil.
    private static func stripScheme(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        for scheme in ["http://", "https://"] {
            let prefixLength = scheme.utf8.count
            guard bytes.count >= prefixLength else { continue }
            let prefix = UnsafeBufferPointer(rebasing: bytes[0..<prefixLength])
            if HTTPBytes.equalsIgnoringCase(prefix, scheme.utf8) {
                return UnsafeBufferPointer(rebasing: bytes[prefixLength...])
            }
        }
        return nil
    }

    private static func absoluteForm(
        _ rest: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (target: String, authority: String?) {
        let authorityEnd = rest.firstIndex { $0 == HTTPBytes.slash || $0 == HTTPBytes.question } ?? rest.count
        let authority = UnsafeBufferPointer(rebasing: rest[0..<authorityEnd])
        guard !authority.isEmpty else { throw .badRequest("absolute-form request-target without a host") }
        guard !authority.contains(UInt8(ascii: "@")) else { throw .badRequest("userinfo in request-target") }
        guard HTTPHostValue.isValid(authority) else { throw .badRequest("invalid host in request-target") }
        let pathAndQuery = String(decoding: UnsafeBufferPointer(rebasing: rest[authorityEnd...]), as: UTF8.self)
        let target = pathAndQuery.utf8.first == HTTPBytes.slash ? pathAndQuery : "/" + pathAndQuery
        return (target, String(decoding: authority, as: UTF8.self))
    }
}

/// The syntax of a Host value (RFC 9110 §7.2): `uri-host [ ":" port ]`, where uri-host is a
/// reg-name, IPv4 address or bracketed IP literal. Checked by character class, which rejects
/// whitespace, `/`, `@`, `?`, `#` and friends.
enum HTTPHostValue {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: continue                       // ALPHA DIGIT
            case 0x2D, 0x2E, 0x5F, 0x7E: continue                                      // - . _ ~
            case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: continue  // sub-delims
            case 0x3A, 0x5B, 0x5D, 0x25: continue                                      // : [ ] %
            default: return false
            }
        }
        return true
    }

    static func isValid(_ value: String) -> Bool {
        HTTPBytes.withUTF8(value) { isValid($0) }
    }
}
