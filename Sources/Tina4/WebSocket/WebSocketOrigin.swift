/// A web origin as a browser serialises it in the `Origin` header (RFC 6454 §6.2):
/// `scheme "://" host [ ":" port ]`, compared ASCII case-insensitively on scheme and host, with
/// the scheme's default port (80 for http/ws, 443 for https/wss) the same as no port.
///
/// ```swift
/// WebSocketOrigin(parsing: "HTTPS://Example.com:443") == WebSocketOrigin(parsing: "https://example.com")  // true
/// WebSocketOrigin(parsing: "null")                     // nil: an opaque origin names no site
/// WebSocketOrigin(parsing: "https://example.com/path") // nil: an origin has no path
/// ```
public struct WebSocketOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased scheme (`https`).
    public let scheme: String
    /// Lower-cased host: a name, an IPv4 address or a bracketed IPv6 literal (`[::1]`).
    public let host: String
    /// The port, nil when it is the scheme's default or absent.
    public let port: Int?

    /// Parses one serialised origin; nil for `null`, a path, userinfo, an empty host or a bad port.
    public init?(parsing text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard let separator = utf8.firstRange(of: Array("://".utf8)), separator.lowerBound > 0 else { return nil }
        let schemeBytes = utf8[..<separator.lowerBound]
        guard Self.isAlpha(schemeBytes.first!),
              schemeBytes.allSatisfy({ Self.isAlpha($0) || HTTPBytes.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        let authority = utf8[separator.upperBound...]
        var hostBytes = authority[...]
        var portBytes: ArraySlice<UInt8>?
        if authority.first == 0x5B {   // [IPv6]
            guard let close = authority.firstIndex(of: 0x5D) else { return nil }
            hostBytes = authority[...close]
            let rest = authority[(close + 1)...]
            if let colon = rest.first {
                guard colon == HTTPBytes.colon else { return nil }
                portBytes = rest.dropFirst()
            }
            guard hostBytes.dropFirst().dropLast().allSatisfy({ HTTPBytes.hexValue($0) != nil || $0 == HTTPBytes.colon || $0 == 0x2E }),
                  hostBytes.count > 2 else { return nil }
        } else {
            if let colon = authority.firstIndex(of: HTTPBytes.colon) {
                hostBytes = authority[..<colon]
                portBytes = authority[(colon + 1)...]
            }
            // unreserved characters of a reg-name (browsers send IDNs as punycode)
            guard !hostBytes.isEmpty,
                  hostBytes.allSatisfy({ Self.isAlpha($0) || HTTPBytes.isDigit($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || $0 == 0x7E })
            else { return nil }
        }
        let scheme = HTTPBytes.asciiLowercased(String(decoding: schemeBytes, as: UTF8.self))
        var port: Int?
        if let portBytes {
            guard (1...5).contains(portBytes.count), portBytes.allSatisfy(HTTPBytes.isDigit),
                  let value = Int(String(decoding: portBytes, as: UTF8.self)), value <= 65535 else { return nil }
            port = value == Self.defaultPort(of: scheme) ? nil : value
        }
        self.scheme = scheme
        self.host = HTTPBytes.asciiLowercased(String(decoding: hostBytes, as: UTF8.self))
        self.port = port
    }

    /// `https://example.com`, `http://localhost:7149`: the form a browser sends.
    public var description: String {
        scheme + "://" + host + (port.map { ":\($0)" } ?? "")
    }

    /// Whether this origin names the same host and port as a `Host` (or `X-Forwarded-Host`)
    /// value such as `localhost:7149`; a missing port there is this origin's default port.
    /// The scheme is not compared: behind a TLS-terminating proxy the server cannot see it.
    public func matches(hostHeader value: some StringProtocol) -> Bool {
        let authority = "x://" + Substring(value).trimmingHTTPWhitespace()
        guard let other = WebSocketOrigin(parsing: authority) else { return false }
        let defaultPort = Self.defaultPort(of: scheme)
        return host == other.host && (port ?? defaultPort) == (other.port ?? defaultPort)
    }

    static func defaultPort(of scheme: String) -> Int? {
        switch scheme {
        case "http", "ws": 80
        case "https", "wss": 443
        default: nil
        }
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
