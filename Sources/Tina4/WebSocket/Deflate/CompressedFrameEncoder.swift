/// Encodes one outgoing data message as a frame, compressed (RSV1 set) when the connection
/// negotiated permessage-deflate and the message is worth it, otherwise as a plain frame.
///
/// A message is sent uncompressed when it is shorter than
/// ``PerMessageDeflate/Outbound/minimumCompressedBytes``, when deflate would not make it
/// smaller, or (window 8) when it is over 256 bytes. The server compresses every message as its
/// own stream (server_no_context_takeover), with one shared compressor per setting, reset after
/// each message: no compressor per connection.
///
/// ```swift
/// let frame = CompressedFrameEncoder.frame(opcode: .text, payload: bytes, outbound: agreed.outbound)
/// ```
@MainActor
public enum CompressedFrameEncoder {
    private struct Key: Hashable {
        var windowBits: Int
        var level: Int
    }

    /// One compressor per (window, level), shared by every connection on the main actor: at
    /// most 8 × 9, in practice one. Compressing a ~130-byte chat message costs about 11 µs of
    /// zlib (mostly building the Huffman trees of its block, whatever the memLevel), paid once
    /// per broadcast, not per receiver.
    private static var compressors: [Key: PerMessageDeflater] = [:]
    /// Messages run through deflate since start (sent compressed or not): what a broadcast costs.
    static private(set) var compressionCount = 0

    /// The frame for `payload`: compressed when `outbound` says so and it pays, else plain.
    public static func frame(opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer,
                             outbound: PerMessageDeflate.Outbound?) -> [UInt8] {
        outgoing(opcode, payload: payload, outbound: outbound).bytes
    }

    /// The text frame for `text`.
    public static func text(_ text: String, outbound: PerMessageDeflate.Outbound?) -> [UInt8] {
        outgoingText(text, outbound: outbound).bytes
    }

    /// The binary frame for `bytes`.
    public static func binary(_ bytes: [UInt8], outbound: PerMessageDeflate.Outbound?) -> [UInt8] {
        outgoingBinary(bytes, outbound: outbound).bytes
    }

    /// The frame for `payload`, encoded straight into the bytes an output queue sends.
    static func outgoing(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer,
                         outbound: PerMessageDeflate.Outbound?) -> OutgoingBytes {
        if let outbound, let frame = compressedFrame(opcode, payload: payload, outbound: outbound) { return frame }
        return WebSocketFrameEncoder.outgoing(opcode, payload: payload)
    }

    /// The compressed frame (RSV1 set) for `payload`, or nil when the message goes uncompressed
    /// (``compress(_:_:)`` says when).
    static func compressedFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer,
                                outbound: PerMessageDeflate.Outbound) -> OutgoingBytes? {
        compress(payload, outbound).map { compressed in
            compressed.withUnsafeBytes { WebSocketFrameEncoder.outgoing(opcode, payload: $0, rsv1: true) }
        }
    }

    /// The text frame for `text`, as queued bytes.
    static func outgoingText(_ text: String, outbound: PerMessageDeflate.Outbound?) -> OutgoingBytes {
        var text = text
        return text.withUTF8 { outgoing(.text, payload: UnsafeRawBufferPointer($0), outbound: outbound) }
    }

    /// The binary frame for `bytes`, as queued bytes.
    static func outgoingBinary(_ bytes: [UInt8], outbound: PerMessageDeflate.Outbound?) -> OutgoingBytes {
        bytes.withUnsafeBytes { outgoing(.binary, payload: $0, outbound: outbound) }
    }

    /// The compressed payload, or nil when the message goes uncompressed.
    static func compress(_ payload: UnsafeRawBufferPointer, _ outbound: PerMessageDeflate.Outbound) -> [UInt8]? {
        guard payload.count >= outbound.minimumCompressedBytes else { return nil }
        // zlib's smallest raw window is 512 bytes; within a message of ≤ 256 bytes no
        // back-reference can reach further than 256, so window 8 holds for those only.
        if outbound.direction.maxWindowBits < 9 && payload.count > 256 { return nil }
        let key = Key(windowBits: outbound.direction.maxWindowBits, level: outbound.level)
        var deflater = compressors.removeValue(forKey: key)
            ?? PerMessageDeflater(.init(maxWindowBits: key.windowBits, noContextTakeover: true), level: key.level)
        let compressed = deflater.compress(payload)
        compressors[key] = deflater
        compressionCount &+= 1
        guard let compressed, compressed.count < payload.count else { return nil }
        return compressed
    }
}

/// The frames of one broadcast: the plain frame and one compressed frame per distinct
/// outbound setting, each encoded the first time a receiver needs it, so N receivers cost
/// one compression, not N (and a broadcast nobody negotiated compression for costs none).
///
/// ```swift
/// var frames = BroadcastFrames(text: "hello everyone")
/// for connection in receivers { connection.transport?.send(frames.bytes(for: connection.outboundCompression)) }
/// ```
@MainActor
struct BroadcastFrames {
    private enum Payload {
        case text(String)
        case binary([UInt8])
    }

    private var payload: Payload
    private var plain: OutgoingBytes?
    private var compressed: [(PerMessageDeflate.Outbound, OutgoingBytes)] = []
    /// The variant the previous receiver needed: receivers mostly share one, so most lookups stop here.
    private var last: (PerMessageDeflate.Outbound, OutgoingBytes)?

    init(text: String) { payload = .text(text) }
    init(binary: [UInt8]) { payload = .binary(binary) }

    /// The shared bytes for a receiver with these settings (nil: no compression).
    mutating func bytes(for outbound: PerMessageDeflate.Outbound?) -> OutgoingBytes {
        guard let outbound else { return plainBytes() }
        if let last, last.0 == outbound { return last.1 }
        if let found = compressed.first(where: { $0.0 == outbound }) {
            last = found
            return found.1
        }
        let frame = withPayload { opcode, raw in
            CompressedFrameEncoder.compressedFrame(opcode, payload: raw, outbound: outbound)
        } ?? plainBytes()
        compressed.append((outbound, frame))
        last = (outbound, frame)
        return frame
    }

    private mutating func plainBytes() -> OutgoingBytes {
        if let plain { return plain }
        let bytes = withPayload { opcode, raw in WebSocketFrameEncoder.outgoing(opcode, payload: raw) }
        plain = bytes
        return bytes
    }

    private mutating func withPayload<R>(_ body: (WebSocketOpcode, UnsafeRawBufferPointer) -> R) -> R {
        switch payload {
        case .text(var text):
            let result = text.withUTF8 { body(.text, UnsafeRawBufferPointer($0)) }
            payload = .text(text)   // keeps a contiguous copy if withUTF8 had to make one
            return result
        case .binary(let bytes):
            return bytes.withUnsafeBytes { body(.binary, $0) }
        }
    }
}
