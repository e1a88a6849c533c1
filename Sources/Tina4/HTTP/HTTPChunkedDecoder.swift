/// Decodes a chunked body incrementally (RFC 9112 §7.1).
///
/// Framing bytes are consumed as soon as they are understood and chunk data is copied straight
/// into the body, so the parser never holds more than the body plus one partial line. Every
/// framing line (chunk size, the CRLF after chunk data, trailers, the final empty line) must end
/// in CRLF: a bare LF is a 400, so a proxy that reads lines differently cannot be made to see
/// other request boundaries ("funky chunks" smuggling). Chunk extensions must follow the grammar
/// (`;name`, `;name=token` or `;name="quoted"`) and are then ignored; trailer fields are parsed
/// and discarded, and count toward the header byte and field limits.
struct HTTPChunkedDecoder: Sendable {
    /// Longest chunk-size line (size plus extensions) accepted.
    static let maxChunkLineBytes = 4096

    /// What the body may still use: the byte limit for data, and what the head left of the
    /// header limits for trailers.
    struct Budget: Sendable {
        var maxBodyBytes: Int
        var maxTrailerBytes: Int
        var maxTrailerCount: Int
        /// The configured header limits, for error reasons.
        var maxHeaderBytes: Int
        var maxHeaderCount: Int
    }

    private enum State: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    private var state = State.size
    /// How far the current (incomplete) line has been scanned, relative to its start.
    private var lineScanned = 0
    private var trailerBytes = 0
    private var trailerCount = 0

    /// Decodes as much of `bytes` as possible, appending chunk data to `body`.
    /// - Returns: how many bytes were consumed and whether the body (with trailers) is complete.
    mutating func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8], budget: Budget
    ) throws(HTTPParseError) -> (consumed: Int, done: Bool) {
        var position = 0
        while true {
            switch state {
            case .size:
                guard let found = try line(
                    in: bytes, at: position, maxLength: Self.maxChunkLineBytes, context: "chunk size line",
                    tooLong: .badRequest("chunk size line exceeds \(Self.maxChunkLineBytes) bytes"))
                else { return (position, false) }
                let size = try Self.chunkSize(UnsafeBufferPointer(rebasing: bytes[found.content]))
                position = found.next
                if size == 0 {
                    state = .trailers
                } else {
                    guard size <= budget.maxBodyBytes - body.count else {
                        throw .contentTooLarge("chunked body exceeds the \(budget.maxBodyBytes)-byte body limit")
                    }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let available = min(remaining, bytes.count - position)
                guard available > 0 else { return (position, false) }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<(position + available)]))
                position += available
                state = available == remaining ? .dataEnd : .data(remaining: remaining - available)
            case .dataEnd:
                guard position < bytes.count else { return (position, false) }
                guard bytes[position] == HTTPBytes.cr else { throw .badRequest("chunk data not followed by CRLF") }
                guard position + 1 < bytes.count else { return (position, false) }
                guard bytes[position + 1] == HTTPBytes.lf else { throw .badRequest("chunk data not followed by CRLF") }
                position += 2
                state = .size
            case .trailers:
                // The empty line that ends the body is framing, not a trailer: always allow it.
                let remaining = max(budget.maxTrailerBytes - trailerBytes, 2)
                guard let found = try line(
                    in: bytes, at: position, maxLength: remaining, context: "trailer section",
                    tooLong: Self.trailersTooLarge(budget))
                else { return (position, false) }
                let lineBytes = found.next - position
                position = found.next
                if found.content.isEmpty {
                    state = .done
                    return (position, true)
                }
                trailerBytes += lineBytes
                trailerCount += 1
                guard trailerBytes <= budget.maxTrailerBytes else { throw Self.trailersTooLarge(budget) }
                guard trailerCount <= budget.maxTrailerCount else {
                    throw .headerTooLarge("more than \(budget.maxHeaderCount) header fields including trailers")
                }
                _ = try HTTPHeadParser.parseFieldLine(UnsafeBufferPointer(rebasing: bytes[found.content]))
            case .done:
                return (position, true)
            }
        }
    }

    /// The next complete line starting at `start`, resuming an earlier partial scan.
    private mutating func line(
        in bytes: UnsafeBufferPointer<UInt8>, at start: Int, maxLength: Int, context: String,
        tooLong: @autoclosure () -> HTTPParseError
    ) throws(HTTPParseError) -> (content: Range<Int>, next: Int)? {
        let limit = start > Int.max - maxLength ? Int.max : start + maxLength
        let result = try HTTPLineScanner.scan(
            bytes, lineStart: start, resumeAt: start + lineScanned, maxLineEnd: limit,
            context: context, requireCR: true, tooLong: tooLong())
        switch result {
        case .needMore(let resumeAt):
            lineScanned = resumeAt - start
            return nil
        case .line(let contentEnd, let next):
            lineScanned = 0
            return (start..<contentEnd, next)
        }
    }

    /// `chunk-size *( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] )`: hexadecimal, no sign,
    /// no overflow; each extension a token name with an optional token or quoted-string value.
    private static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = HTTPBytes.hexValue(line[index]) {
            guard size <= (Int.max - Int(digit)) >> 4 else { throw .badRequest("chunk size overflows") }
            size = size << 4 | Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badRequest("invalid chunk size") }
        try validateExtensions(line, from: index)
        return size
    }

    /// Checks the chunk extensions after the size (RFC 9112 §7.1.1).
    private static func validateExtensions(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(HTTPParseError) {
        var index = start
        func skipWhitespace() { while index < line.count && HTTPBytes.isWhitespace(line[index]) { index += 1 } }
        func skipToken() -> Bool {
            let tokenStart = index
            while index < line.count && HTTPBytes.isTokenChar(line[index]) { index += 1 }
            return index > tokenStart
        }
        skipWhitespace()
        guard index == line.count || line[index] == HTTPBytes.semicolon else { throw .badRequest("invalid chunk size") }
        while index < line.count {
            guard line[index] == HTTPBytes.semicolon else { throw .badRequest("invalid chunk extension") }
            index += 1
            skipWhitespace()
            guard skipToken() else { throw .badRequest("invalid chunk extension name") }
            skipWhitespace()
            if index < line.count && line[index] == HTTPBytes.equals {
                index += 1
                skipWhitespace()
                if index < line.count && line[index] == HTTPBytes.quote {
                    guard let end = quotedStringEnd(line, from: index) else { throw .badRequest("invalid chunk extension value") }
                    index = end
                } else {
                    guard skipToken() else { throw .badRequest("invalid chunk extension value") }
                }
                skipWhitespace()
            }
        }
    }

    /// The index after the quoted-string that starts at `start` (on its `"`), or nil.
    private static func quotedStringEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        while index < line.count {
            switch line[index] {
            case HTTPBytes.quote: return index + 1
            case HTTPBytes.backslash:
                guard index + 1 < line.count else { return nil }
                index += 2  // quoted-pair: the scanner already refused control bytes in the line
            default: index += 1  // qdtext: HTAB, SP, VCHAR except " and \, obs-text
            }
        }
        return nil
    }

    private static func trailersTooLarge(_ budget: Budget) -> HTTPParseError {
        .headerTooLarge("header block with trailers exceeds \(budget.maxHeaderBytes) bytes")
    }
}
