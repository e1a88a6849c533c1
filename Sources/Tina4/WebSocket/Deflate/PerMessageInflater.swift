import CZlib

/// Decompresses permessage-deflate messages (RFC 7692 §7.2.2), sans-I/O: feed each frame's
/// payload as it arrives, then ``finishMessage(into:limit:)`` appends the 00 00 ff ff tail the
/// sender stripped and ends the message.
///
/// The output is bounded while inflating: zlib writes at most `limit + 1 - output.count` bytes
/// per step, so a message that inflates past `limit` fails with 1009 as soon as it does, and
/// memory stays bounded by the limit however large the bomb. Corrupt data fails with 1007.
///
/// zlib state is allocated by the first compressed message, not before. Without context
/// takeover it is freed at the end of every message; with it, it is kept (the window is the
/// context) until the inflater is dropped.
///
/// ```swift
/// var inflater = PerMessageInflater(.init(maxWindowBits: 15, noContextTakeover: false))
/// var message: [UInt8] = []
/// try inflater.inflate(payload, into: &message, limit: 1 << 20)
/// try inflater.finishMessage(into: &message, limit: 1 << 20)   // "Hello" for f2 48 cd c9 c9 07 00
/// ```
public struct PerMessageInflater: Sendable {
    public let settings: PerMessageDeflate.Direction
    private var box: ZStream?

    /// The 4 bytes the sender removed from the end of each message.
    static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]
    /// Inflated bytes produced per zlib call (a stack buffer).
    static let chunk = 16 * 1024

    public init(_ settings: PerMessageDeflate.Direction) {
        self.settings = settings
    }

    /// An inflater around a stream kept elsewhere (the frame decoder keeps only the stream, so
    /// the settings are not stored twice per connection).
    init(_ settings: PerMessageDeflate.Direction, stream: ZStream?) {
        self.settings = settings
        box = stream
    }

    /// The zlib stream, to keep between messages (nil once freed).
    var keptStream: ZStream? { box }

    /// True while zlib state is held (between messages only when the context is kept).
    public var holdsState: Bool { box != nil }

    /// Inflates a piece of a compressed message and appends the output to `output`.
    public mutating func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws(WebSocketProtocolError) {
        guard input.count > 0 else { return }
        let stream = try stream()
        try Self.run(stream, input, &output, limit: limit)
    }

    /// Inflates a piece of a compressed message and appends the output to `output`.
    public mutating func inflate(_ input: [UInt8], into output: inout [UInt8], limit: Int) throws(WebSocketProtocolError) {
        var failure: WebSocketProtocolError?
        input.withUnsafeBytes { raw in
            do throws(WebSocketProtocolError) { try inflate(raw, into: &output, limit: limit) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Ends the message: inflates the stripped tail, and frees the state without context takeover.
    public mutating func finishMessage(into output: inout [UInt8], limit: Int) throws(WebSocketProtocolError) {
        let stream = try stream()
        var failure: WebSocketProtocolError?
        Self.tail.withUnsafeBytes { raw in
            do throws(WebSocketProtocolError) { try Self.run(stream, raw, &output, limit: limit) } catch { failure = error }
        }
        if let failure { throw failure }
        if settings.noContextTakeover { box = nil }
    }

    /// Frees the state (after a failure, or when the connection ends).
    public mutating func reset() { box = nil }

    private mutating func stream() throws(WebSocketProtocolError) -> UnsafeMutablePointer<z_stream> {
        if box == nil {
            // zlib cannot inflate raw data with a 256-byte window; a 512-byte one reads it too.
            box = ZStream.inflater(windowBits: max(settings.maxWindowBits, 9))
        } else if !isKnownUniquelyReferenced(&box!) {
            box = box!.copy()
        }
        guard let box else { throw WebSocketProtocolError(code: .internalError, reason: "out of memory for the inflater") }
        return box.stream
    }

    private static func run(_ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer,
                            _ output: inout [UInt8], limit: Int) throws(WebSocketProtocolError) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        let failure: WebSocketProtocolError? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { scratch in
            while true {
                let room = min(scratch.count, limit &- output.count &+ 1)
                stream.pointee.next_out = scratch.baseAddress
                stream.pointee.avail_out = UInt32(room)
                let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let produced = room &- Int(stream.pointee.avail_out)
                if produced > 0 {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0 ..< produced]))
                }
                if output.count > limit {
                    return WebSocketProtocolError(code: .messageTooBig, reason: "message inflates to over \(limit) bytes")
                }
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    // Done when the input is used up and zlib had room to spare.
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return nil }
                    if status == Z_BUF_ERROR && produced == 0 && stream.pointee.avail_out > 0 { return nil }
                case Z_STREAM_END:
                    // A final block (BFINAL=1); what follows starts a new stream.
                    inflateReset(stream)
                    if stream.pointee.avail_in == 0 { return nil }
                case Z_MEM_ERROR:
                    return WebSocketProtocolError(code: .internalError, reason: "out of memory while inflating")
                default:
                    return WebSocketProtocolError(code: .invalidPayload, reason: "invalid compressed data")
                }
            }
        }
        if let failure { throw failure }
    }
}
