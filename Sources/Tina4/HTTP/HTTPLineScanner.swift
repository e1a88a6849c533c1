/// Finds the end of one line in received bytes, validating it on the way.
///
/// A line ends at LF, optionally preceded by CR (a lone LF is accepted in the head, RFC 9112
/// §2.2; the chunked framing asks for CRLF with `requireCR`, RFC 9112 §7.1). Bytes
/// that are never allowed in the head, in chunk-size lines or in trailers are rejected here, so
/// later stages can split lines without re-checking: NUL, other controls except HTAB, DEL, and a
/// CR not followed by LF. Scanning resumes where it stopped, so feeding a line byte by byte costs
/// linear time in total.
enum HTTPLineScanner {
    enum Result {
        /// The line's content is `lineStart..<contentEnd`; the next line starts at `next`.
        case line(contentEnd: Int, next: Int)
        /// No line end yet; resume scanning at `resumeAt` when more bytes arrive.
        case needMore(resumeAt: Int)
    }

    /// Scans `bytes[resumeAt...]` for the LF ending the line that started at `lineStart`.
    /// - Parameters:
    ///   - maxLineEnd: the LF must be at an index below this; reaching it throws `tooLong`.
    ///   - context: names the section in error reasons, e.g. "header section".
    ///   - requireCR: a bare LF (no CR before it) is an error rather than a line end.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        lineStart: Int,
        resumeAt: Int,
        maxLineEnd: Int,
        context: String,
        requireCR: Bool = false,
        tooLong: @autoclosure () -> HTTPParseError
    ) throws(HTTPParseError) -> Result {
        let count = bytes.count
        var index = resumeAt
        while index < count {
            if index >= maxLineEnd { throw tooLong() }
            let byte = bytes[index]
            if byte >= HTTPBytes.space && byte != 0x7F {
                index &+= 1
                continue
            }
            switch byte {
            case HTTPBytes.lf:
                let hasCR = index > lineStart && bytes[index - 1] == HTTPBytes.cr
                if requireCR && !hasCR { throw .badRequest("bare LF in \(context) (CRLF required)") }
                return .line(contentEnd: hasCR ? index - 1 : index, next: index + 1)
            case HTTPBytes.htab:
                index += 1
            case HTTPBytes.cr:
                guard index + 1 < count else { return .needMore(resumeAt: index) }
                guard bytes[index + 1] == HTTPBytes.lf else {
                    throw .badRequest("bare CR in \(context)")
                }
                index += 1
            case 0:
                throw .badRequest("NUL byte in \(context)")
            default:
                throw .badRequest("control character \(HTTPBytes.describe(byte)) in \(context)")
            }
        }
        return .needMore(resumeAt: index)
    }
}
