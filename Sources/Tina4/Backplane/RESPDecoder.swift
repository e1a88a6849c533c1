/// A RESP2 stream that cannot be decoded: the connection must be closed.
public struct RESPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "RESP protocol error: \(message)" }
}

/// The limits a ``RESPDecoder`` enforces, so a broken or hostile peer cannot make it hold
/// unbounded memory. The defaults fit pub/sub traffic with room to spare.
public struct RESPLimits: Sendable, Equatable {
    /// Longest line (a simple string, an error, a number, a length header), CRLF excluded.
    public var maxLineBytes = 64 * 1024
    /// Largest bulk string (Redis itself allows 512 MB; a WebSocket message here is at most 1 GiB).
    public var maxBulkBytes = 64 << 20
    /// Most elements of one array.
    public var maxArrayCount = 1 << 20
    /// Deepest nesting of arrays.
    public var maxDepth = 16
    /// Largest total of bulk and line bytes in one top-level value (nested arrays included).
    public var maxValueBytes = 128 << 20

    public init() {}
}

/// An incremental, sans-I/O RESP2 decoder: feed it bytes as they arrive, in pieces of any size,
/// and take the values it completes.
///
/// ```swift
/// var decoder = RESPDecoder()
/// decoder.feed(Array("*3\r\n$7\r\nmessage\r\n$8\r\ntina4:ws\r\n$2\r\nh".utf8))
/// try decoder.next()          // nil: the last bulk string is incomplete
/// decoder.feed(Array("i\r\n".utf8))
/// try decoder.next()          // .array([.bulkString("message"), .bulkString("tina4:ws"), .bulkString("hi")])
/// ```
///
/// Work is linear in the input: each element is parsed once and committed (an array being
/// filled is kept on a stack), a bulk string is copied once when all of it has arrived, and a
/// line is scanned for its CRLF at most twice. After an error the decoder is unusable.
public struct RESPDecoder: Sendable {
    public let limits: RESPLimits

    private var buffer: [UInt8] = []
    private var position = 0
    /// Arrays being filled, innermost last: elements still expected and elements so far.
    private var stack: [(remaining: Int, items: [RESPValue])] = []
    private var valueBytes = 0
    /// Where the CRLF search of an incomplete line resumes.
    private var scanFrom = 0
    private var failure: RESPError?

    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet part of a returned value.
    public var bufferedByteCount: Int { buffer.count - position }

    /// Appends received bytes.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The next complete top-level value, nil when more bytes are needed.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        do {
            while let value = try element() {
                if stack.isEmpty {
                    valueBytes = 0
                    return value
                }
                stack[stack.count - 1].items.append(value)
                stack[stack.count - 1].remaining -= 1
                while let top = stack.last, top.remaining == 0 {
                    stack.removeLast()
                    let array = RESPValue.array(top.items)
                    if stack.isEmpty {
                        valueBytes = 0
                        return array
                    }
                    stack[stack.count - 1].items.append(array)
                    stack[stack.count - 1].remaining -= 1
                }
            }
            return nil
        } catch {
            failure = error
            throw error
        }
    }

    /// One scalar, a complete empty/null array, or nil; a non-empty array header pushes a frame
    /// and continues with its first element.
    private mutating func element() throws(RESPError) -> RESPValue? {
        while true {
            guard let (type, line, after) = try nextLine() else { return nil }
            switch type {
            case UInt8(ascii: "+"):
                position = after
                return .simpleString(String(decoding: line, as: UTF8.self))
            case UInt8(ascii: "-"):
                position = after
                return .error(String(decoding: line, as: UTF8.self))
            case UInt8(ascii: ":"):
                guard let n = Self.integer(line) else { throw RESPError(message: "bad integer '\(Self.shown(line))'") }
                position = after
                return .integer(n)
            case UInt8(ascii: "$"):
                guard let length = Self.integer(line), length >= -1 else { throw RESPError(message: "bad bulk length '\(Self.shown(line))'") }
                if length == -1 {
                    position = after
                    return .bulkString(nil)
                }
                guard length <= limits.maxBulkBytes else {
                    throw RESPError(message: "bulk string of \(length) bytes exceeds the \(limits.maxBulkBytes)-byte limit")
                }
                let size = Int(length)
                guard buffer.count - after >= size + 2 else {   // wait for all of it; the header is re-read then
                    scanFrom = position
                    valueBytes -= line.count
                    return nil
                }
                guard buffer[after + size] == 13, buffer[after + size + 1] == 10 else {
                    throw RESPError(message: "bulk string of \(size) bytes not followed by CRLF")
                }
                try account(size)
                let bytes = Array(buffer[after..<(after + size)])
                position = after + size + 2
                scanFrom = position
                return .bulkString(bytes)
            case UInt8(ascii: "*"):
                guard let count = Self.integer(line), count >= -1 else { throw RESPError(message: "bad array length '\(Self.shown(line))'") }
                position = after
                if count == -1 { return .array(nil) }
                if count == 0 { return .array([]) }
                guard count <= limits.maxArrayCount else {
                    throw RESPError(message: "array of \(count) elements exceeds the \(limits.maxArrayCount)-element limit")
                }
                guard stack.count < limits.maxDepth else { throw RESPError(message: "arrays nested deeper than \(limits.maxDepth)") }
                stack.append((Int(count), []))
                stack[stack.count - 1].items.reserveCapacity(min(Int(count), 1024))
            default:
                throw RESPError(message: "unknown type byte 0x\(String(type, radix: 16)) (RESP2 has + - : $ *)")
            }
        }
    }

    /// The type byte, the line after it (CRLF excluded) and the index after the CRLF; nil while
    /// the line is incomplete.
    private mutating func nextLine() throws(RESPError) -> (UInt8, ArraySlice<UInt8>, Int)? {
        guard position < buffer.count else { return nil }
        var index = max(scanFrom, position + 1)
        let end = buffer.count
        while index < end {
            if buffer[index] == 10 {
                guard buffer[index - 1] == 13 else { throw RESPError(message: "line ends with LF without CR") }
                let length = index - 1 - (position + 1)
                guard length >= 0 else { throw RESPError(message: "empty line") }
                // Also for a line that arrived whole: the limit must not depend on how reads split.
                guard length <= limits.maxLineBytes else { throw RESPError(message: "line longer than \(limits.maxLineBytes) bytes") }
                try account(length)
                scanFrom = index + 1
                return (buffer[position], buffer[(position + 1)..<(index - 1)], index + 1)
            }
            index += 1
        }
        scanFrom = end
        if end - position > limits.maxLineBytes + 3 {
            throw RESPError(message: "line longer than \(limits.maxLineBytes) bytes")
        }
        return nil
    }

    private mutating func account(_ bytes: Int) throws(RESPError) {
        valueBytes += bytes
        if valueBytes > limits.maxValueBytes {
            throw RESPError(message: "value larger than \(limits.maxValueBytes) bytes")
        }
    }

    /// Drops consumed bytes once they are at least half the buffer (amortised linear).
    private mutating func compact() {
        guard position > 0, position * 2 >= buffer.count else { return }
        buffer.removeFirst(position)
        scanFrom -= position
        position = 0
    }

    /// A decimal `Int64` with an optional `-`; nil for anything else.
    private static func integer(_ line: ArraySlice<UInt8>) -> Int64? {
        guard !line.isEmpty, line.count <= 20 else { return nil }
        var negative = false
        var value: Int64 = 0
        var digits = 0
        for (offset, byte) in line.enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48, byte <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(byte - 48))
            guard !o1, !o2 else { return nil }
            value = s
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    private static func shown(_ line: ArraySlice<UInt8>) -> String {
        String(decoding: line.prefix(32), as: UTF8.self)
    }
}
