/// How a request's body is delimited (RFC 9112 §6.3).
enum HTTPBodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// Exactly this many bytes (more than zero) follow the head.
    case length(Int)
    /// A chunked body follows.
    case chunked

    /// Works out the framing from `Transfer-Encoding` and `Content-Length`, strictly:
    /// - Transfer-Encoding in HTTP/1.0, or together with Content-Length: 400;
    /// - chunked not the final coding, or applied twice: 400; any other coding: 501;
    /// - Content-Length not a decimal number, or repeated with different values: 400;
    /// - Content-Length over `maxBodyBytes`: 413, before any body is read.
    static func of(_ head: HTTPRequestHead, maxBodyBytes: Int) throws(HTTPParseError) -> HTTPBodyFraming {
        let transferEncodings = head.headers.values("Transfer-Encoding")
        let contentLengths = head.headers.values("Content-Length")
        if !transferEncodings.isEmpty {
            guard head.version != .http1_0 else {
                throw .badRequest("Transfer-Encoding is not allowed in HTTP/1.0 requests")
            }
            guard contentLengths.isEmpty else {
                throw .badRequest("both Transfer-Encoding and Content-Length are present")
            }
            try checkCodings(transferEncodings)
            return .chunked
        }
        guard !contentLengths.isEmpty else { return .none }
        let length = try contentLength(contentLengths, maxBodyBytes: maxBodyBytes)
        return length == 0 ? .none : .length(length)
    }

    /// Accepts only `chunked` as the single (final) transfer coding.
    private static func checkCodings(_ values: [String]) throws(HTTPParseError) {
        var codings: [Substring] = []
        for value in values {
            for element in Substring(value).splitHTTPList() {
                // A coding may carry parameters ("gzip;level=1"); its name is what comes first.
                let trimmed = element.splitHTTPList(HTTPBytes.semicolon)[0].trimmingHTTPWhitespace()
                guard !trimmed.isEmpty else { throw .badRequest("empty transfer coding in Transfer-Encoding") }
                codings.append(trimmed)
            }
        }
        let isChunked = { (coding: Substring) in HTTPBytes.equalsIgnoringCase(coding.utf8, "chunked".utf8) }
        guard let last = codings.last, isChunked(last) else {
            throw .badRequest("chunked is not the final transfer coding")
        }
        guard codings.count(where: isChunked) == 1 else {
            throw .badRequest("chunked transfer coding applied more than once")
        }
        if let other = codings.first(where: { !isChunked($0) }) {
            throw HTTPParseError(status: 501, reason: "unsupported transfer coding \"\(other)\"")
        }
    }

    /// The single length all Content-Length values agree on (`5, 5` is accepted, RFC 9110 §8.6).
    private static func contentLength(_ values: [String], maxBodyBytes: Int) throws(HTTPParseError) -> Int {
        var agreed: Substring?  // the digits without leading zeros
        for value in values {
            for element in Substring(value).splitHTTPList() {
                let digits = element.trimmingHTTPWhitespace()
                guard !digits.isEmpty, digits.utf8.allSatisfy(HTTPBytes.isDigit) else {
                    throw .badRequest("invalid Content-Length \"\(value)\"")
                }
                let significant = Substring(digits.utf8.drop { $0 == UInt8(ascii: "0") })
                if let agreed, agreed != significant {
                    throw .badRequest("conflicting Content-Length values")
                }
                agreed = significant
            }
        }
        let digits = agreed ?? ""
        if digits.isEmpty { return 0 }
        // 18 decimal digits always fit in an Int; anything longer is over any sane limit.
        guard digits.utf8.count <= 18, let length = Int(digits), length <= maxBodyBytes else {
            throw .contentTooLarge("Content-Length exceeds the \(maxBodyBytes)-byte body limit")
        }
        return length
    }
}
