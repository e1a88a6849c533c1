/// Locates the end of a request head (the empty line after the header fields) as bytes arrive.
///
/// It remembers where it stopped, so each byte is examined once however the head is split
/// across reads. Up to ``maxLeadingEmptyLines`` empty lines before the request line are skipped
/// (RFC 9112 §2.2). The head size limit is enforced while scanning, so an over-long head fails
/// with 431 as soon as the byte past the limit arrives, terminator or not; when the request
/// line alone is over the limit the answer is 414 (RFC 9112 §3).
struct HTTPHeadScanner: Sendable {
    /// Empty lines tolerated before a request line.
    static let maxLeadingEmptyLines = 4

    /// Offsets relative to the first unread byte of the parser's buffer.
    private var headStart = 0
    private var lineStart = 0
    private var resumeAt = 0
    private var emptyLinesSkipped = 0

    /// The head's byte range (request line through the final empty line), or nil when the
    /// empty line has not arrived yet.
    mutating func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, maxHeaderBytes: Int
    ) throws(HTTPParseError) -> Range<Int>? {
        let budget = max(maxHeaderBytes, 0)
        while true {
            let limit = headStart > Int.max - budget ? Int.max : headStart + budget
            let onRequestLine = lineStart == headStart
            let result = try HTTPLineScanner.scan(
                bytes, lineStart: lineStart, resumeAt: resumeAt, maxLineEnd: limit,
                context: "header section",
                tooLong: onRequestLine
                    ? HTTPParseError(status: 414, reason: "request line exceeds \(maxHeaderBytes) bytes")
                    : .headerTooLarge("header block exceeds \(maxHeaderBytes) bytes"))
            switch result {
            case .needMore(let resume):
                resumeAt = resume
                return nil
            case .line(let contentEnd, let next):
                let isEmpty = contentEnd == lineStart
                if isEmpty && lineStart == headStart {
                    emptyLinesSkipped += 1
                    guard emptyLinesSkipped <= Self.maxLeadingEmptyLines else {
                        throw .badRequest("more than \(Self.maxLeadingEmptyLines) empty lines before the request line")
                    }
                    headStart = next
                } else if isEmpty {
                    return headStart..<next
                }
                lineStart = next
                resumeAt = next
            }
        }
    }
}
