/// Where a Redis server is and how to log in: `redis://[user:pass@]host:port/db`.
///
/// ```swift
/// let url = try RedisURL(parsing: "redis://app:s3cret@10.0.0.5:6380/2")
/// url.host       // "10.0.0.5"
/// url.port       // 6380
/// url.username   // "app"   (nil with "redis://:s3cret@host", which logs in as the default user)
/// url.password   // "s3cret"
/// url.database   // 2
/// ```
/// The port defaults to 6379 and the database to 0. User and password may be percent-encoded
/// (`p%40ss` is `p@ss`). An IPv6 address goes in brackets: `redis://[::1]:6379`. TLS
/// (`rediss://`) is not supported and is refused with an error saying so.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int

    /// A URL that cannot be used, with the reason.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "\(RedisURL.redacted(url)) is not a usable Redis URL: \(reason)" }
    }

    public init(host: String = "localhost", port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws(Invalid) {
        func fail(_ reason: String) -> Invalid { Invalid(url: text, reason: reason) }
        if text.hasPrefix("rediss://") { throw fail("TLS (rediss://) is not supported; use redis:// on a trusted network") }
        guard text.hasPrefix("redis://") else { throw fail("expected redis://[user:pass@]host:port/db") }
        var rest = Substring(text.dropFirst("redis://".count))
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw fail("unexpected '\(rest[query])' part; the database goes in the path: redis://host:6379/2")
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var username: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user: Substring, pass: Substring?
            if let colon = userinfo.firstIndex(of: ":") {
                user = userinfo[..<colon]
                pass = userinfo[userinfo.index(after: colon)...]
            } else {
                user = userinfo
                pass = nil
            }
            guard let u = PercentEncoding.decode(String(user)), pass.map({ PercentEncoding.decode(String($0)) != nil }) ?? true else {
                throw fail("bad percent-encoding in the user or password")
            }
            if let pass {
                password = PercentEncoding.decode(String(pass))
                username = u.isEmpty ? nil : u
            } else {
                // "redis://secret@host": one part is a password, as redis-cli reads it.
                password = u
            }
        }
        var host = "", portText: Substring = ""
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("unclosed '[' in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("expected ':port' after ']'") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { throw fail("the host is missing") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw fail("the host '\(host)' has characters a host name cannot have")
        }
        var port = 6379
        if !portText.isEmpty {
            guard let p = Int(portText), (1...65535).contains(p) else { throw fail("the port must be a whole number from 1 to 65535, not '\(portText)'") }
            port = p
        }
        var database = 0
        if !path.isEmpty {
            guard let db = Int(path), db >= 0, db <= 1_000_000 else { throw fail("the database must be a whole number (redis://host:6379/2), not '\(path)'") }
            database = db
        }
        self.init(host: host, port: port, username: username, password: password, database: database)
    }

    /// `redis://host:port/db` with the password hidden, for log lines.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let credentials = password == nil ? (username.map { "\($0)@" } ?? "") : "\(username ?? ""):***@"
        return "redis://\(credentials)\(shownHost):\(port)/\(database)"
    }

    /// `text` with anything between `//` and the last `@` replaced, so a log never shows a password.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "//"), let at = text.lastIndex(of: "@"), at > scheme.upperBound else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(text[at...])
    }
}
