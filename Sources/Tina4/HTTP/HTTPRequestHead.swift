/// The request line and header fields of one HTTP request.
///
/// ```swift
/// // GET /search?q=swift HTTP/1.1
/// head.method     // "GET"
/// head.path       // "/search"
/// head.rawQuery   // "q=swift"
/// head.keepAlive  // true unless "Connection: close"
/// ```
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token exactly as sent, e.g. "GET" (methods are case-sensitive).
    public var method: String
    /// The raw request-target, still percent-encoded, e.g. "/a%20b?x=1". An absolute-form
    /// target (`http://host/p`) is reduced to its path and query; `*` is kept for OPTIONS.
    public var target: String
    /// The protocol version from the request line (1.0 or 1.1).
    public var version: HTTPVersion
    /// The header fields in the order received.
    public var headers: HTTPHeaders

    /// A head built by hand (tests, synthetic requests).
    ///
    /// ```swift
    /// let head = HTTPRequestHead(method: "GET", target: "/", version: .http1_1,
    ///                            headers: ["Host": "example.com"])
    /// ```
    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target before the first `?`, still percent-encoded.
    ///
    /// ```swift
    /// // target "/a%20b?x=1"
    /// head.path   // "/a%20b"
    /// ```
    public var path: String {
        guard let mark = target.utf8.firstIndex(of: HTTPBytes.question) else { return target }
        return String(target[..<mark])
    }

    /// The target after the first `?` (empty for a trailing `?`), or nil when there is no `?`.
    ///
    /// ```swift
    /// // target "/list?page=2"
    /// head.rawQuery.map { QueryString.parse($0) }   // [("page", "2")]
    /// ```
    public var rawQuery: String? {
        guard let mark = target.utf8.firstIndex(of: HTTPBytes.question) else { return nil }
        return String(target[target.utf8.index(after: mark)...])
    }

    /// Whether the connection stays open after this request: for HTTP/1.1 unless
    /// `Connection: close`; for HTTP/1.0 only with `Connection: keep-alive`.
    ///
    /// ```swift
    /// if !head.keepAlive { closeAfterResponse = true }
    /// ```
    public var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if version == .http1_1 { return true }
        return version == .http1_0 && headers.containsToken("keep-alive", in: "Connection")
    }
}
