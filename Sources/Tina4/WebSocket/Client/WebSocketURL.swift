/// A parsed `ws://host[:port][/path][?query]` URL.
///
/// ```swift
/// let url = try WebSocketURL(parsing: "ws://[::1]:7145/ws/chat?room=1")
/// url.host          // "::1"
/// url.target        // "/ws/chat?room=1"
/// url.hostHeader    // "[::1]:7145"
/// ```
public struct WebSocketURL: Sendable, Equatable {
    /// Host name or IP literal, without brackets.
    public var host: String
    public var port: UInt16
    /// Path and query, as sent on the request line; "/" when the URL has no path.
    public var target: String

    /// The `Host` header value: brackets around IPv6 literals, the port unless it is 80.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    public init(host: String, port: UInt16 = 80, target: String = "/") {
        self.host = host
        self.port = port
        self.target = target
    }

    public init(parsing text: String) throws(WebSocketClientError) {
        let lower = text.lowercased()
        if lower.hasPrefix("wss://") {
            throw .invalidURL("wss:// needs TLS, which this client does not support; use ws://")
        }
        guard lower.hasPrefix("ws://") else { throw .invalidURL("\(text) does not start with ws://") }
        if text.contains("#") { throw .invalidURL("WebSocket URLs cannot have a #fragment") }
        let rest = text.dropFirst(5)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty {
            target = "/"
        } else if target.hasPrefix("?") {
            target = "/" + target
        }
        if authority.contains("@") { throw .invalidURL("user info in the URL is not supported") }

        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unclosed [ in \(text)") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL("unexpected text after ] in \(text)") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw .invalidURL("no host in \(text)") }
        var port: UInt16 = 80
        if let portPart {
            guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), let value = UInt16(portPart), value > 0 else {
                throw .invalidURL("bad port in \(text)")
            }
            port = value
        }
        self.host = String(hostPart)
        self.port = port
        self.target = target
    }
}
