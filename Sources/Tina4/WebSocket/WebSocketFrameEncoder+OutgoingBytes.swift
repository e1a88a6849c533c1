/// Frames encoded straight into the ``OutgoingBytes`` an output queue writes, with no
/// intermediate array: a broadcast encodes once into the bytes every receiver shares, and a
/// single send costs one allocation.
///
/// ```swift
/// let frame = WebSocketFrameEncoder.outgoingText("hello")      // 81 05 68 65 6C 6C 6F
/// for receiver in group { receiver.channel.send(frame) }       // the same bytes, queued N times
/// let masked = WebSocketFrameEncoder.outgoing(.ping, payload: raw, mask: WebSocketMask(1, 2, 3, 4))
/// ```
extension WebSocketFrameEncoder {
    /// A whole frame: header, then the payload (masked when `mask` is given, as a client sends;
    /// RSV1 set when `rsv1`, for a permessage-deflate compressed payload).
    static func outgoing(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, mask: WebSocketMask? = nil,
                         rsv1: Bool = false) -> OutgoingBytes {
        let length = payload.count
        let headerSize = size(ofHeaderFor: length, masked: mask != nil)
        return OutgoingBytes(count: headerSize &+ length) { buffer in
            let base = buffer.baseAddress!   // count ≥ 2, so never nil
            writeHeader(to: base, opcode: opcode, payloadLength: length, fin: true, rsv1: rsv1, mask: mask)
            guard length > 0, let source = payload.baseAddress else { return }
            if let mask {
                mask.apply(from: source, to: base + headerSize, count: length, payloadOffset: 0)
            } else {
                (base + headerSize).copyMemory(from: source, byteCount: length)
            }
        }
    }

    /// A whole frame from an array payload.
    static func outgoing(_ opcode: WebSocketOpcode, payload: [UInt8], mask: WebSocketMask? = nil) -> OutgoingBytes {
        payload.withUnsafeBytes { outgoing(opcode, payload: $0, mask: mask) }
    }

    /// A text frame of `string`'s UTF-8.
    static func outgoingText(_ string: String, mask: WebSocketMask? = nil) -> OutgoingBytes {
        var string = string
        return string.withUTF8 { outgoing(.text, payload: UnsafeRawBufferPointer($0), mask: mask) }
    }

    /// A binary frame.
    static func outgoingBinary(_ bytes: [UInt8], mask: WebSocketMask? = nil) -> OutgoingBytes {
        outgoing(.binary, payload: bytes, mask: mask)
    }

    /// A close frame: `code` (nil for an empty payload) and a reason cut to fit 125 bytes.
    static func outgoingClose(code: UInt16?, reason: String = "", mask: WebSocketMask? = nil) -> OutgoingBytes {
        outgoing(.close, payload: code.map { closePayload(code: $0, reason: reason) } ?? [], mask: mask)
    }

    /// A ping or pong; payload beyond 125 bytes is dropped (control frames cannot carry it).
    static func outgoingControl(_ opcode: WebSocketOpcode, payload: [UInt8], mask: WebSocketMask? = nil) -> OutgoingBytes {
        payload.withUnsafeBytes { raw in
            outgoing(opcode, payload: UnsafeRawBufferPointer(rebasing: raw.prefix(maxControlPayload)), mask: mask)
        }
    }
}
