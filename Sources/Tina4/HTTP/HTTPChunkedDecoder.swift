/// Decodes a chunked body incrementally (RFC 9112 §7.1).
///
/// Framing bytes are consumed as soon as they are understood and chunk data is copied straight
/// into the body, so the parser never holds more than the body plus one partial line. Chunk
/// extensions are validated as line bytes and ignored; trailer fields are parsed and discarded,
/// and count toward the header byte and field limits.
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
                if bytes[position] == HTTPBytes.lf {
                    position += 1
                } else {
                    guard bytes[position] == HTTPBytes.cr else { throw .badRequest("chunk data not followed by CRLF") }
                    guard position + 1 < bytes.count else { return (position, false) }
                    guard bytes[position + 1] == HTTPBytes.lf else { throw .badRequest("chunk data not followed by CRLF") }
                    position += 2
                }
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
            context: context, tooLong: tooLong())
        switch result {
        case .needMore(let resumeAt):
            lineScanned = resumeAt - start
            return nil
        case .line(let contentEnd, let next):
            lineScanned = 0
            return (start..<contentEnd, next)
        }
    }

    /// `chunk-size [ BWS ";" extensions ]`: hexadecimal, no sign, no overflow.
    private static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = HTTPBytes.hexValue(line[index]) {
            guard size <= (Int.max - Int(digit)) >> 4 else { throw .badRequest("chunk size overflows") }
            size = size << 4 | Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badRequest("invalid chunk size") }
        while index < line.count && HTTPBytes.isWhitespace(line[index]) { index += 1 }
        guard index == line.count || line[index] == HTTPBytes.semicolon else {
            throw .badRequest("invalid chunk size")
        }
        return size
    }

    private static func trailersTooLarge(_ budget: Budget) -> HTTPParseError {
        .headerTooLarge("header block with trailers exceeds \(budget.maxHeaderBytes) bytes")
    }
}
