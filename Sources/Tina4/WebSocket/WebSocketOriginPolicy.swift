/// Which browser origins may open a WebSocket (`TINA4_WS_ALLOWED_ORIGINS`): a defence against
/// cross-site WebSocket hijacking, where a page on another site opens a socket to this server
/// with the visitor's cookies.
///
/// A handshake without an `Origin` header (a non-browser client such as `tina4 listen`) is
/// allowed: only browsers send it, and any other client could write any value. `Origin: null`
/// (sandboxed frames, `file:` pages) and an origin that cannot be parsed are refused.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.allowedOrigins = try WebSocketOriginPolicy(parsing: "https://example.com, same-origin")
/// // Origin: https://example.com              → allowed
/// // Origin: http://localhost:7149, Host: localhost:7149 → allowed (same-origin)
/// // Origin: https://evil.example             → 403
/// ```
public struct WebSocketOriginPolicy: Sendable, Equatable {
    /// Origins allowed by name.
    public var origins: Set<WebSocketOrigin>
    /// Whether an origin naming the host of the request (`X-Forwarded-Host` behind a proxy,
    /// else `Host`) is allowed.
    public var allowsSameOrigin: Bool

    public init(origins: Set<WebSocketOrigin> = [], allowsSameOrigin: Bool = false) {
        self.origins = origins
        self.allowsSameOrigin = allowsSameOrigin
    }

    /// A policy from a comma-separated list of origins and the word `same-origin`; throws the
    /// element that is neither.
    public init(parsing list: String) throws(InvalidElement) {
        self.init()
        for element in Substring(list).splitHTTPList() {
            let item = element.trimmingHTTPWhitespace()
            if item.isEmpty { continue }
            if HTTPBytes.equalsIgnoringCase(item.utf8, "same-origin".utf8) {
                allowsSameOrigin = true
            } else if let origin = WebSocketOrigin(parsing: item) {
                origins.insert(origin)
            } else {
                throw InvalidElement(element: String(item))
            }
        }
        if origins.isEmpty && !allowsSameOrigin { throw InvalidElement(element: list) }
    }

    /// An element of the list that is not an origin.
    public struct InvalidElement: Error, Sendable {
        public var element: String
    }

    /// Whether a handshake with these headers may proceed. `headerValues` returns every value of
    /// a header ([] when absent).
    public func allows(headerValues: (String) -> [String]) -> Bool {
        let values = headerValues("Origin")
        if values.isEmpty { return true }   // not a browser
        guard values.count == 1, values[0].utf8.count <= 1024,
              let origin = WebSocketOrigin(parsing: Substring(values[0]).trimmingHTTPWhitespace()) else { return false }
        if origins.contains(origin) { return true }
        guard allowsSameOrigin else { return false }
        // Behind a proxy the first X-Forwarded-Host names the host the browser asked for.
        if let forwarded = headerValues("X-Forwarded-Host").first {
            let first = Substring(forwarded).splitHTTPList().first ?? ""
            return origin.matches(hostHeader: first)
        }
        let hosts = headerValues("Host")
        return hosts.count == 1 && origin.matches(hostHeader: hosts[0])
    }
}
