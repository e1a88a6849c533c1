/// Which response header fields may go on the wire (RFC 9110 §5.1, §5.5): a name must be a
/// token, and a value must not hold CR, LF or NUL. Anything else could end the head early and
/// let a request's text write headers or a second response of its own (response splitting:
/// `redirect(to: request.query["next"])` with `%0d%0aSet-Cookie:…`).
///
/// ```swift
/// let response = Response().redirect(to: "/a\r\nSet-Cookie: x=1")
/// response.unsafeHeaderProblem   // "header Location: the value holds a CR"
/// ```
extension Response {
    /// Why a field of this response cannot be written, or nil when all can. The server answers
    /// such a response with a 500 and logs this reason instead of writing any of it.
    public var unsafeHeaderProblem: String? {
        for (name, value) in headers {
            if let problem = Self.headerProblem(name: name, value: value) { return problem }
        }
        return nil
    }

    static func headerProblem(name: String, value: String) -> String? {
        let nameIsToken = HTTPBytes.withUTF8(name) { HTTPBytes.isToken($0) }
        guard nameIsToken else { return "header name \(Self.shown(name)) is not a token" }
        for byte in value.utf8 {
            switch byte {
            case HTTPBytes.cr: return "header \(name): the value holds a CR"
            case HTTPBytes.lf: return "header \(name): the value holds an LF"
            case 0: return "header \(name): the value holds a NUL"
            default: continue
            }
        }
        return nil
    }

    /// `text` quoted, control characters escaped, at most 64 characters.
    private static func shown(_ text: String) -> String {
        let escaped = text.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }
        return "\"" + escaped.joined() + (text.unicodeScalars.count > 64 ? "…" : "") + "\""
    }

    /// This response, or — when a header cannot be written — a 500 in its place, and the reason.
    ///
    /// ```swift
    /// let (safe, problem) = response.refusingUnsafeHeaders(json: request.wantsJSON)
    /// if let problem { log.error("[http] GET /go: response refused, \(problem)") }
    /// ```
    /// `json` (whether the 500 is written as JSON) is only evaluated for a refused response.
    public func refusingUnsafeHeaders(json: @autoclosure () -> Bool) -> (response: Response, problem: String?) {
        guard let problem = unsafeHeaderProblem else { return (self, nil) }
        return (Response.error(500, "the response could not be sent: one of its headers is invalid", json: json()), problem)
    }
}
