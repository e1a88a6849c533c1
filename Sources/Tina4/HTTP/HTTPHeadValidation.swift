/// The checks a parsed head must pass before its body is read: Host (RFC 9112 §3.2),
/// Expect (RFC 9110 §10.1.1) and body framing (``HTTPBodyFraming``).
enum HTTPHeadValidation {
    struct Outcome: Sendable {
        var framing: HTTPBodyFraming
        /// The client sent `Expect: 100-continue` on HTTP/1.1 and waits before sending the body.
        var expectsContinue: Bool
    }

    /// Validates `head`, replacing its Host with the absolute-form authority when there was one.
    static func validate(
        _ head: inout HTTPRequestHead, authority: String?, maxBodyBytes: Int
    ) throws(HTTPParseError) -> Outcome {
        try checkHost(head)
        if let authority { head.headers.set("Host", authority) }
        let expectsContinue = try checkExpect(head)
        let framing = try HTTPBodyFraming.of(head, maxBodyBytes: maxBodyBytes)
        return Outcome(framing: framing, expectsContinue: expectsContinue)
    }

    /// Exactly one Host for HTTP/1.1, at most one for HTTP/1.0, and a well-formed value.
    private static func checkHost(_ head: HTTPRequestHead) throws(HTTPParseError) {
        let hosts = head.headers.values("Host")
        guard hosts.count <= 1 else { throw .badRequest("multiple Host headers") }
        guard let host = hosts.first else {
            if head.version == .http1_1 { throw .badRequest("missing Host header") }
            return
        }
        guard HTTPHostValue.isValid(host) else { throw .badRequest("invalid Host header value") }
    }

    /// Only `100-continue` is understood; anything else is 417. HTTP/1.0 expectations are
    /// ignored as RFC 9110 requires, so this returns false for them.
    private static func checkExpect(_ head: HTTPRequestHead) throws(HTTPParseError) -> Bool {
        var expectsContinue = false
        for value in head.headers.values("Expect") {
            for element in Substring(value).splitHTTPList() {
                let expectation = element.trimmingHTTPWhitespace()
                if expectation.isEmpty { continue }
                guard HTTPBytes.equalsIgnoringCase(expectation.utf8, "100-continue".utf8) else {
                    throw HTTPParseError(status: 417, reason: "unsupported expectation \"\(expectation)\"")
                }
                expectsContinue = true
            }
        }
        return expectsContinue && head.version == .http1_1
    }
}
