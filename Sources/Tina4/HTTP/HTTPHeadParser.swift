/// Turns a complete request head into an ``HTTPRequestHead`` (RFC 9112 §3 and §5).
///
/// The bytes were already checked by ``HTTPLineScanner`` (no NUL, no controls except HTAB, CR
/// only before LF), so this only splits lines and applies the request-line and field-line
/// grammar. Semantic checks (Host, framing, Expect) happen in ``HTTPHeadValidation``.
enum HTTPHeadParser {
    /// - Parameter head: the request line through the final empty line.
    /// - Returns: the head and, for an absolute-form target, its authority.
    static func parse(
        _ head: UnsafeBufferPointer<UInt8>, maxHeaderCount: Int
    ) throws(HTTPParseError) -> (head: HTTPRequestHead, authority: String?) {
        let (requestLine, afterRequestLine) = nextLine(head, from: 0)
        var position = afterRequestLine
        let request = try parseRequestLine(UnsafeBufferPointer(rebasing: head[requestLine]))
        var fields: [HTTPHeaders.Element] = []
        while true {
            let (line, next) = nextLine(head, from: position)
            position = next
            if line.isEmpty { break }
            guard fields.count < maxHeaderCount else {
                throw .headerTooLarge("more than \(maxHeaderCount) header fields")
            }
            let bytes = UnsafeBufferPointer(rebasing: head[line])
            let (name, value) = try parseFieldLine(bytes)
            fields.append((
                name: String(decoding: UnsafeBufferPointer(rebasing: bytes[name]), as: UTF8.self),
                value: String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)))
        }
        let parsed = HTTPRequestHead(
            method: request.method, target: request.target, version: request.version,
            headers: HTTPHeaders(fields: fields))
        return (parsed, request.authority)
    }

    /// `METHOD SP request-target SP HTTP-version`.
    static func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (method: String, target: String, version: HTTPVersion, authority: String?) {
        guard let firstSpace = line.firstIndex(of: HTTPBytes.space),
              let lastSpace = line.lastIndex(of: HTTPBytes.space), firstSpace < lastSpace
        else { throw .badRequest("malformed request line") }
        let version = try parseVersion(UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...]))
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard HTTPBytes.isToken(methodBytes) else { throw .badRequest("invalid method token") }
        let method = String(decoding: methodBytes, as: UTF8.self)
        let target = try HTTPRequestTarget.parse(
            UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace]), method: method)
        return (method, target.target, version, target.authority)
    }

    /// `HTTP/DIGIT.DIGIT`; 1.0 and 1.1 are supported, other well-formed versions get 505.
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0..<5].elementsEqual("HTTP/".utf8),
              HTTPBytes.isDigit(bytes[5]), bytes[6] == UInt8(ascii: "."), HTTPBytes.isDigit(bytes[7])
        else { throw .badRequest("malformed HTTP version") }
        let version = HTTPVersion(major: Int(bytes[5] - 0x30), minor: Int(bytes[7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPParseError(status: 505, reason: "\(version) is not supported")
        }
        return version
    }

    /// `field-name ":" OWS field-value OWS`; returns the name and trimmed value ranges.
    static func parseFieldLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) {
        guard let first = line.first, !HTTPBytes.isWhitespace(first) else {
            throw .badRequest("obsolete line folding is not allowed")
        }
        guard let colon = line.firstIndex(of: HTTPBytes.colon) else { throw .badRequest("header line without a colon") }
        guard colon > 0 else { throw .badRequest("empty header field name") }
        guard !HTTPBytes.isWhitespace(line[colon - 1]) else {
            throw .badRequest("whitespace between header field name and colon")
        }
        guard HTTPBytes.isToken(UnsafeBufferPointer(rebasing: line[..<colon])) else {
            throw .badRequest("invalid character in header field name")
        }
        var lower = colon + 1
        var upper = line.count
        while lower < upper && HTTPBytes.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower && HTTPBytes.isWhitespace(line[upper - 1]) { upper -= 1 }
        return (0..<colon, lower..<upper)
    }

    /// The content range of the line starting at `start` and where the next line starts. The
    /// head is known to end with an empty line, so an LF always exists.
    private static func nextLine(_ head: UnsafeBufferPointer<UInt8>, from start: Int) -> (Range<Int>, Int) {
        var index = start
        while index < head.count && head[index] != HTTPBytes.lf { index += 1 }
        let contentEnd = index > start && head[index - 1] == HTTPBytes.cr ? index - 1 : index
        return (start..<contentEnd, index + 1)
    }
}
