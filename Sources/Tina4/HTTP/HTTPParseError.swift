/// Why a request was rejected: the status to answer with and a short human reason.
///
/// After the parser throws one of these the connection is unusable; the server answers with
/// `status` and closes.
///
/// ```swift
/// do { _ = try parser.next() } catch {
///     print(error.status, error.reason)   // 431 "header block exceeds 16384 bytes"
/// }
/// ```
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status: 400, 413, 414, 417, 431, 501 or 505.
    public var status: Int
    /// A short, specific reason, e.g. "missing Host header".
    public var reason: String

    /// An error with the given status and reason.
    ///
    /// ```swift
    /// let error = HTTPParseError(status: 400, reason: "missing Host header")
    /// ```
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// "400 Bad Request: missing Host header".
    public var description: String { "\(status) \(HTTPStatus.reasonPhrase(status)): \(reason)" }

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    static func contentTooLarge(_ reason: String) -> HTTPParseError { HTTPParseError(status: 413, reason: reason) }
    static func headerTooLarge(_ reason: String) -> HTTPParseError { HTTPParseError(status: 431, reason: reason) }
}
