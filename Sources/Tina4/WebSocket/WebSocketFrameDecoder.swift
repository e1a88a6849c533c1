/// Incremental, sans-I/O WebSocket frame decoder (RFC 6455 §5): feed bytes in any split,
/// get whole messages and control frames back in order.
///
/// The wire layout of one frame:
///
/// ```text
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +-+-+-+-+-------+-+-------------+-------------------------------+
///  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
///  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
///  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
///  | |1|2|3|       |K|             |                               |
///  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
///  |     Extended payload length continued, if payload len == 127  |
///  + - - - - - - - - - - - - - - - +-------------------------------+
///  |                               |Masking-key, if MASK set to 1  |
///  +-------------------------------+-------------------------------+
///  | Masking-key (continued)       |          Payload Data         |
///  +-------------------------------- - - - - - - - - - - - - - - - +
///  :                     Payload Data continued ...                :
///  +---------------------------------------------------------------+
/// ```
///
/// Payload len 0–125 is the length; 126 means a 16-bit length follows, 127 a 64-bit one
/// (top bit must be 0), both big-endian. Non-minimal length encodings are accepted.
///
/// ```swift
/// var decoder = WebSocketFrameDecoder()             // server side: frames must be masked
/// let result = decoder.decode(bytesFromSocket)
/// for event in result.events {                      // everything before a violation, too
///     if case .text(let message) = event { print(message) }
/// }
/// if let error = result.error {
///     write(WebSocketFrameEncoder.close(code: error.code, reason: error.reason))
///     // stop reading: the decoder is dead
/// }
/// ```
///
/// Checks (each failure ends the result with a ``WebSocketProtocolError`` and the code to close with):
/// reserved bits and opcodes, masking, control frames (≤ 125 bytes, never fragmented),
/// fragment order, close payloads, UTF-8 of text messages (checked as the bytes arrive,
/// across fragments: 1007 as soon as they prove invalid) and the message size limit (1009,
/// judged from the frame header before the payload arrives).
///
/// permessage-deflate (``WebSocketDecoderOptions/perMessageDeflate``): a message whose first
/// frame has RSV1 is inflated piece by piece as its frames arrive (the compressed bytes are
/// never buffered); the limit applies to the inflated bytes, checked while inflating, and the
/// compressed bytes of one message may not exceed the limit by more than deflate's worst-case
/// expansion. UTF-8 is checked on the inflated text.
///
/// Memory: a whole unfragmented frame found in the input is unmasked straight into the
/// returned `String`/`[UInt8]`; anything split is unmasked in place into one message buffer
/// that never holds more than `maxMessageBytes`. Once a message, control frame or header
/// completes with nothing partial left, its buffer is released (not just emptied), so a
/// decoder between messages holds no heap memory at all: an idle connection keeps no read
/// buffer. After a close frame the decoder returns no further events (``isClosed``); after
/// a violation it is dead and returns the same error again.
public struct WebSocketFrameDecoder: Sendable {
    /// The frame whose payload is being read.
    private struct Frame: Sendable {
        var opcode: WebSocketOpcode
        var fin: Bool
        var mask: WebSocketMask?
        var length: Int
        var received: Int = 0
        var remaining: Int { length &- received }
    }

    public let options: WebSocketDecoderOptions
    /// True once a close frame was decoded; later bytes are ignored. (Declared here, it sits in
    /// the padding after `options`.)
    public private(set) var isClosed = false
    /// Data-frame payload bytes taken so far, wrapping (plus one per whole message on the fast
    /// path): the progress a stalled-message check compares between two heartbeat ticks. It sits
    /// in the padding after `isClosed`. Control frames (a pong) are not progress.
    private(set) var dataProgress: UInt32 = 0
    /// A header that arrived in pieces (at most 14 bytes).
    private var headerBytes: [UInt8] = []
    private var frame: Frame?
    /// `.text` or `.binary` while a data message is being received.
    private var messageOpcode: WebSocketOpcode?
    // The next two sit in the padding after `messageOpcode`: they cost an idle connection nothing.
    /// The message in progress had RSV1 on its first frame (permessage-deflate).
    private var messageCompressed = false
    /// Compressed bytes received for the message in progress (saturating).
    private var compressedReceived: UInt32 = 0
    /// The unmasked payload of the data message so far, when it did not come in one piece.
    private var messageBuffer: [UInt8] = []
    /// The unmasked payload of the control frame so far (≤ 125 bytes).
    private var controlBuffer: [UInt8] = []
    private var validator = UTF8StreamValidator()
    private var failure: WebSocketProtocolError?
    /// permessage-deflate: the inflater's zlib stream (allocated by the first compressed message;
    /// its settings are `options.perMessageDeflate`).
    private var inflateStream: ZStream?

    public init(options: WebSocketDecoderOptions = .init()) {
        self.options = options
    }

    /// True while the inflater holds zlib state (between messages only with context takeover).
    public var holdsInflaterState: Bool { inflateStream != nil }

    /// Runs `body` with the inflater for `options.perMessageDeflate`, keeping its stream after.
    private mutating func withInflater(_ body: (inout PerMessageInflater, inout [UInt8]) throws(WebSocketProtocolError) -> Void) throws(WebSocketProtocolError) {
        guard let settings = options.perMessageDeflate else { return }
        var inflater = PerMessageInflater(settings, stream: inflateStream)
        inflateStream = nil   // the inflater holds the only reference: no copy-on-write copy
        defer { inflateStream = inflater.keptStream }
        try body(&inflater, &messageBuffer)
    }

    /// Bytes held for partial frames and messages: at most `maxMessageBytes` + 125 (a
    /// control frame may arrive between the fragments of a message).
    public var bufferedByteCount: Int {
        headerBytes.count &+ messageBuffer.count &+ controlBuffer.count
    }

    /// True when no header, frame or message is partly received, no inflater context is kept
    /// (permessage-deflate with context takeover) and the decoder is neither closed nor dead: a
    /// fresh decoder with the same options would carry on identically.
    /// True while a frame header, a frame or a fragmented message is partly received (a kept
    /// inflater context alone is not a message in progress).
    var isInsideMessage: Bool {
        failure == nil && !isClosed && (frame != nil || messageOpcode != nil || !headerBytes.isEmpty)
    }

    var isBetweenMessages: Bool {
        frame == nil && messageOpcode == nil && headerBytes.isEmpty && failure == nil && !isClosed && inflateStream == nil
    }

    /// Heap bytes held by the buffers (their capacity, not their count): 0 whenever no frame
    /// or message is partially received.
    var retainedCapacity: Int {
        headerBytes.capacity &+ messageBuffer.capacity &+ controlBuffer.capacity
    }

    /// Consumes the bytes and returns the events they complete, in order, followed by the
    /// first violation if there is one; after a violation the decoder is dead.
    public mutating func decode(_ bytes: [UInt8]) -> WebSocketDecodeResult {
        bytes.withUnsafeBytes { decode($0) }
    }

    /// Consumes the bytes and returns the events they complete, in order, followed by the
    /// first violation if there is one; after a violation the decoder is dead.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) -> WebSocketDecodeResult {
        if let failure { return WebSocketDecodeResult(error: failure) }
        var events: [WebSocketFrameEvent] = []
        var frames: [WebSocketFrameSummary] = []
        do {
            try run(bytes, into: &events, frames: &frames)
        } catch {
            failure = error
            headerBytes = []
            messageBuffer = []
            controlBuffer = []
            frame = nil
            inflateStream = nil
            var result = WebSocketDecodeResult(events: events, error: error)
            result.frames = frames
            return result
        }
        var result = WebSocketDecodeResult(events: events)
        result.frames = frames
        return result
    }

    /// Decodes `input`, appending each completed event to `events` as soon as it is complete,
    /// so the events before a violation survive the throw.
    private mutating func run(_ input: UnsafeRawBufferPointer, into events: inout [WebSocketFrameEvent],
                              frames: inout [WebSocketFrameSummary]) throws(WebSocketProtocolError) {
        var offset = 0
        let count = input.count
        while !isClosed {
            if frame == nil {
                guard offset < count, let header = try takeHeader(input, &offset) else { break }
                let started = try start(header)
                if options.recordsFrames {
                    frames.append(WebSocketFrameSummary(opcode: started.opcode, length: started.length, fin: started.fin))
                }
                if started.fin, started.opcode != .continuation, !started.opcode.isControl, !messageCompressed,
                   count &- offset >= started.length {
                    events.append(try wholeMessage(started, input, offset))
                    dataProgress &+= UInt32(truncatingIfNeeded: started.length) &+ 1
                    offset &+= started.length
                    frame = nil
                    messageOpcode = nil
                    continue
                }
                frame = started
            }
            guard let current = frame else { break }
            let take = min(current.remaining, count &- offset)
            if take > 0 {
                let piece = UnsafeRawBufferPointer(rebasing: input[offset ..< offset &+ take])
                try absorb(piece, into: current)
                frame?.received &+= take
                if !current.opcode.isControl { dataProgress &+= UInt32(truncatingIfNeeded: take) }
                offset &+= take
            }
            guard let done = frame, done.remaining == 0 else { break }
            frame = nil
            if let event = try finish(done) { events.append(event) }
        }
    }

    // MARK: Header

    /// Returns the next header once all its bytes are in, checking each byte as it comes;
    /// nil when the input ran out first (the partial header is kept).
    private mutating func takeHeader(_ input: UnsafeRawBufferPointer, _ offset: inout Int) throws(WebSocketProtocolError) -> WebSocketFrameHeader? {
        let available = input.count &- offset
        if headerBytes.isEmpty, available >= 2 {
            let b0 = input[offset]
            let b1 = input[offset &+ 1]
            try check(firstByte: b0)
            try check(firstByte: b0, secondByte: b1)
            let size = WebSocketFrameHeader.size(secondByte: b1)
            if available >= size {
                let header = WebSocketFrameHeader(parsing: UnsafeRawBufferPointer(rebasing: input[offset ..< offset &+ size]))
                offset &+= size
                return header
            }
        }
        while offset < input.count {
            let had = headerBytes.count
            let target = had < 2 ? 2 : WebSocketFrameHeader.size(secondByte: headerBytes[1])
            let take = min(target &- had, input.count &- offset)
            headerBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset ..< offset &+ take]))
            offset &+= take
            let have = headerBytes.count
            if had < 1 { try check(firstByte: headerBytes[0]) }
            if had < 2, have >= 2 { try check(firstByte: headerBytes[0], secondByte: headerBytes[1]) }
            if have >= 2, have == WebSocketFrameHeader.size(secondByte: headerBytes[1]) {
                let header = headerBytes.withUnsafeBytes { WebSocketFrameHeader(parsing: $0) }
                headerBytes = []   // released: a header split across reads is rare
                return header
            }
        }
        return nil
    }

    /// Checks made as soon as the first header byte is known.
    private func check(firstByte b0: UInt8) throws(WebSocketProtocolError) {
        if b0 & 0x30 != 0 { throw Self.error(.protocolError, "RSV2/RSV3 set but no extension was negotiated") }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
            throw Self.error(.protocolError, "reserved opcode \(b0 & 0x0F)")
        }
        if b0 & 0x40 != 0 {
            if !options.allowRSV1 { throw Self.error(.protocolError, "RSV1 set but no extension was negotiated") }
            if opcode.isControl || opcode == .continuation {
                throw Self.error(.protocolError, "RSV1 set on a control or continuation frame")
            }
        }
        if opcode.isControl {
            if b0 & 0x80 == 0 { throw Self.error(.protocolError, "fragmented control frame") }
        } else if opcode == .continuation {
            if messageOpcode == nil { throw Self.error(.protocolError, "continuation frame with no message in progress") }
        } else if messageOpcode != nil {
            throw Self.error(.protocolError, "new data frame while a fragmented message is in progress")
        }
    }

    /// Checks made as soon as the second header byte is known.
    private func check(firstByte b0: UInt8, secondByte b1: UInt8) throws(WebSocketProtocolError) {
        let masked = b1 & 0x80 != 0
        if options.requireMaskedFrames, !masked { throw Self.error(.protocolError, "client frame is not masked") }
        if !options.requireMaskedFrames, masked { throw Self.error(.protocolError, "server frame is masked") }
        if b0 & 0x08 != 0, b1 & 0x7F > 125 { throw Self.error(.protocolError, "control frame payload over 125 bytes") }
    }

    /// Checks the declared length and opens the frame (and its message, for a first fragment).
    private mutating func start(_ header: WebSocketFrameHeader) throws(WebSocketProtocolError) -> Frame {
        if header.payloadLength & (1 << 63) != 0 {
            throw Self.error(.protocolError, "64-bit payload length has its top bit set")
        }
        // Both checks already passed in check(firstByte:).
        let opcode = WebSocketOpcode(rawValue: header.opcodeBits) ?? .continuation
        if !opcode.isControl {
            if opcode != .continuation {
                messageCompressed = header.reserved & 0x40 != 0   // allowed by check(firstByte:)
                compressedReceived = 0
            }
            if messageCompressed {
                // Inflated bytes are checked while inflating; this bounds the compressed
                // ones (deflate's worst case: 5 bytes per 16 KiB stored block, so 1/64 is ample).
                let limit = min(UInt64(options.maxMessageBytes) + UInt64(options.maxMessageBytes >> 6) + 64, UInt64(UInt32.max))
                if UInt64(compressedReceived) + header.payloadLength > limit {
                    throw Self.error(.messageTooBig, "compressed message over \(limit) bytes")
                }
            } else {
                let limit = UInt64(options.maxMessageBytes)
                if UInt64(messageBuffer.count) + header.payloadLength > limit {
                    throw Self.error(.messageTooBig, "message over \(options.maxMessageBytes) bytes")
                }
            }
            if opcode != .continuation {
                messageOpcode = opcode
                validator.reset()
            }
        }
        return Frame(opcode: opcode, fin: header.fin, mask: header.mask, length: Int(header.payloadLength))
    }

    // MARK: Payload

    /// The fast path: a whole unfragmented message sits in the input, so unmask it straight
    /// into the value handed back, with no intermediate buffer.
    private func wholeMessage(_ frame: Frame, _ input: UnsafeRawBufferPointer, _ offset: Int) throws(WebSocketProtocolError) -> WebSocketFrameEvent {
        let length = frame.length
        guard length > 0, let base = input.baseAddress else {
            return frame.opcode == .text ? .text("") : .binary([])
        }
        let source = base + offset
        let mask = frame.mask
        func copy(into destination: UnsafeMutableRawPointer) {
            if let mask {
                mask.apply(from: source, to: destination, count: length, payloadOffset: 0)
            } else {
                destination.copyMemory(from: source, byteCount: length)
            }
        }
        if frame.opcode == .binary {
            return .binary([UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                copy(into: UnsafeMutableRawPointer(buffer.baseAddress!))
                initialized = length
            })
        }
        var valid = false
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            copy(into: UnsafeMutableRawPointer(buffer.baseAddress!))
            valid = UTF8StreamValidator.isValid(UnsafeRawBufferPointer(buffer))
            return valid ? length : 0
        }
        if !valid { throw Self.error(.invalidPayload, "text message is not valid UTF-8") }
        return .text(text)
    }

    /// Unmasks a piece of the current frame's payload in place at the end of its buffer, and
    /// for text checks its UTF-8 at once.
    private mutating func absorb(_ piece: UnsafeRawBufferPointer, into frame: Frame) throws(WebSocketProtocolError) {
        if frame.opcode.isControl {
            Self.append(piece, to: &controlBuffer, mask: frame.mask, payloadOffset: frame.received)
            return
        }
        if messageCompressed {
            try inflate(piece, mask: frame.mask, payloadOffset: frame.received)
            return
        }
        // No reservation from the declared length: memory follows the bytes that actually
        // arrived, so a peer cannot pin maxMessageBytes per connection with one header.
        let start = Self.append(piece, to: &messageBuffer, mask: frame.mask, payloadOffset: frame.received)
        if messageOpcode == .text {
            let valid = messageBuffer.withUnsafeBytes { all in
                validator.feed(UnsafeRawBufferPointer(rebasing: all[start...]))
            }
            if !valid { throw Self.error(.invalidPayload, "text message is not valid UTF-8") }
        }
    }

    /// Unmasks a piece of a compressed message through a stack buffer and inflates it onto the
    /// message buffer, checking the inflated size and (for text) its UTF-8.
    private mutating func inflate(_ piece: UnsafeRawBufferPointer, mask: WebSocketMask?, payloadOffset: Int) throws(WebSocketProtocolError) {
        compressedReceived = UInt32(clamping: UInt64(compressedReceived) + UInt64(piece.count))
        guard let base = piece.baseAddress else { return }
        let limit = options.maxMessageBytes
        let step = 16 * 1024
        var done = 0
        while done < piece.count {
            let take = min(step, piece.count &- done)
            let start = messageBuffer.count
            if let mask {
                let failure: WebSocketProtocolError? = withUnsafeTemporaryAllocation(byteCount: take, alignment: 8) { scratch in
                    mask.apply(from: base + done, to: scratch.baseAddress!, count: take, payloadOffset: payloadOffset &+ done)
                    do throws(WebSocketProtocolError) {
                        try withInflater { (inflater, output) throws(WebSocketProtocolError) in
                            try inflater.inflate(UnsafeRawBufferPointer(scratch), into: &output, limit: limit)
                        }
                    } catch { return error }
                    return nil
                }
                if let failure { throw failure }
            } else {
                try withInflater { (inflater, output) throws(WebSocketProtocolError) in
                    try inflater.inflate(UnsafeRawBufferPointer(start: base + done, count: take), into: &output, limit: limit)
                }
            }
            try validateInflated(from: start)
            done &+= take
        }
    }

    private mutating func validateInflated(from start: Int) throws(WebSocketProtocolError) {
        guard messageOpcode == .text, messageBuffer.count > start else { return }
        let valid = messageBuffer.withUnsafeBytes { all in
            validator.feed(UnsafeRawBufferPointer(rebasing: all[start...]))
        }
        if !valid { throw Self.error(.invalidPayload, "text message is not valid UTF-8") }
    }

    /// Appends `piece` to `buffer` and unmasks the new bytes in place; returns where they start.
    @discardableResult
    private static func append(_ piece: UnsafeRawBufferPointer, to buffer: inout [UInt8], mask: WebSocketMask?, payloadOffset: Int) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: piece)
        if let mask {
            buffer.withUnsafeMutableBytes { all in
                mask.apply(to: UnsafeMutableRawBufferPointer(rebasing: all[start...]), payloadOffset: payloadOffset)
            }
        }
        return start
    }

    /// Turns a completed frame into its event: a control frame always, a data frame when it
    /// ends its message.
    private mutating func finish(_ frame: Frame) throws(WebSocketProtocolError) -> WebSocketFrameEvent? {
        switch frame.opcode {
        case .ping:
            return .ping(takeControlPayload())
        case .pong:
            return .pong(takeControlPayload())
        case .close:
            let event = try Self.closeEvent(takeControlPayload())
            isClosed = true
            return event
        case .text, .binary, .continuation:
            guard frame.fin else { return nil }
            return try finishMessage()
        }
    }

    /// Hands the control payload over and leaves no buffer behind.
    private mutating func takeControlPayload() -> [UInt8] {
        var payload: [UInt8] = []
        swap(&payload, &controlBuffer)
        return payload
    }

    private mutating func finishMessage() throws(WebSocketProtocolError) -> WebSocketFrameEvent {
        defer { messageOpcode = nil }
        if messageCompressed {
            messageCompressed = false
            let start = messageBuffer.count
            let limit = options.maxMessageBytes
            try withInflater { (inflater, output) throws(WebSocketProtocolError) in
                try inflater.finishMessage(into: &output, limit: limit)
            }
            try validateInflated(from: start)
        }
        var message: [UInt8] = []
        swap(&message, &messageBuffer)   // the decoder keeps no buffer between messages
        if messageOpcode == .binary { return .binary(message) }
        if !validator.isAtBoundary {
            throw Self.error(.invalidPayload, "text message ends inside a UTF-8 sequence")
        }
        // Already validated, so this converts and repairs nothing.
        return .text(String(decoding: message, as: UTF8.self))
    }

    /// Reads a close payload: empty, or a 2-byte code that may go on the wire plus a UTF-8 reason.
    private static func closeEvent(_ payload: [UInt8]) throws(WebSocketProtocolError) -> WebSocketFrameEvent {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        if payload.count == 1 { throw error(.protocolError, "close frame payload of 1 byte") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        if !WebSocketCloseCode(rawValue: code).isValidOnWire {
            throw error(.protocolError, "close code \(code) may not be sent")
        }
        let reasonIsValid = payload.withUnsafeBytes { raw in
            UTF8StreamValidator.isValid(UnsafeRawBufferPointer(rebasing: raw[2...]))
        }
        if !reasonIsValid { throw error(.invalidPayload, "close reason is not valid UTF-8") }
        return .close(code: code, reason: String(decoding: payload[2...], as: UTF8.self))
    }

    private static func error(_ code: WebSocketCloseCode, _ reason: String) -> WebSocketProtocolError {
        WebSocketProtocolError(code: code, reason: reason)
    }
}
