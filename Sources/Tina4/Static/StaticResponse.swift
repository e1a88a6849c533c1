/// A file response ready for the server to write: status line, headers, then body.
///
/// The headers are complete and final: the server writes them as they are and must not add a
/// `Content-Length` of its own. For `HEAD` the body is empty while `Content-Length` still gives the
/// length a `GET` would have sent; a `304` carries no body and no `Content-Length`.
/// ```swift
/// if let file = statics.respond(method: "GET", rawPath: "/app.css", header: { _ in nil }) {
///     file.status                   // 200
///     file.header("content-type")   // "text/css; charset=utf-8"
///     file.body.count               // the file's size
/// }
/// ```
public struct StaticResponse: Sendable, Equatable {
    /// 200, 206, 301 (a directory asked for without its trailing slash), 304, 416, or 500 for a
    /// file larger than ``StaticFiles/maxFileBytes``.
    public var status: Int
    /// Header names and values in the order they should be written.
    public var headers: [(String, String)]
    /// The bytes to send after the headers: empty for `HEAD` and `304`.
    public var body: [UInt8]

    /// ```swift
    /// let notModified = StaticResponse(status: 304, headers: [("ETag", "\"3-5f\"")], body: [])
    /// ```
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name`, compared case-insensitively.
    ///
    /// ```swift
    /// response.header("ETag")   // "\"1a2b-17f3c9e2a1b00-4d2\""
    /// ```
    public func header(_ name: String) -> String? {
        headers.first { HTTPBytes.equalsIgnoringCase($0.0, name) }?.1
    }

    public static func == (lhs: StaticResponse, rhs: StaticResponse) -> Bool {
        guard lhs.status == rhs.status, lhs.body == rhs.body,
              lhs.headers.count == rhs.headers.count else { return false }
        return zip(lhs.headers, rhs.headers).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
