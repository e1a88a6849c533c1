/// Builds WebSocket frames (layout drawn on ``WebSocketFrameDecoder``): a header of 2, 4 or
/// 10 bytes with the minimal length encoding, an optional masking key, then the payload.
///
/// Servers send unmasked frames; clients pass 4 random bytes as `maskingKey`.
///
/// ```swift
/// socket.write(WebSocketFrameEncoder.text("hello"))           // 81 05 68 65 6C 6C 6F
/// socket.write(WebSocketFrameEncoder.close(code: .normal, reason: "bye"))
///
/// // writev-style: header and payload from separate buffers
/// let head = WebSocketFrameEncoder.header(opcode: .binary, payloadLength: blob.count)
/// ```
public enum WebSocketFrameEncoder {
    /// The largest payload a control frame (close, ping, pong) may carry.
    public static let maxControlPayload = 125

    /// A whole frame: header + (masked, when `maskingKey` is given) payload.
    public static func encode(opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, fin: Bool = true,
                              rsv1: Bool = false, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        let mask = maskingKey.map { WebSocketMask($0.0, $0.1, $0.2, $0.3) }
        let length = payload.count
        let headerSize = size(ofHeaderFor: length, masked: mask != nil)
        return [UInt8](unsafeUninitializedCapacity: headerSize &+ length) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            writeHeader(to: base, opcode: opcode, payloadLength: length, fin: fin, rsv1: rsv1, mask: mask)
            if length > 0, let source = payload.baseAddress {
                if let mask {
                    mask.apply(from: source, to: base + headerSize, count: length, payloadOffset: 0)
                } else {
                    (base + headerSize).copyMemory(from: source, byteCount: length)
                }
            }
            initialized = headerSize &+ length
        }
    }

    /// A whole frame: header + (masked, when `maskingKey` is given) payload.
    public static func encode(opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true,
                              rsv1: Bool = false, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        payload.withUnsafeBytes { encode(opcode: opcode, payload: $0, fin: fin, rsv1: rsv1, maskingKey: maskingKey) }
    }

    /// An unmasked (server) text frame.
    public static func text(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { encode(opcode: .text, payload: UnsafeRawBufferPointer($0)) }
    }

    /// An unmasked (server) binary frame.
    public static func binary(_ bytes: [UInt8]) -> [UInt8] {
        encode(opcode: .binary, payload: bytes)
    }

    /// An unmasked close frame. Payload = 2-byte code + `reason`, truncated at a Unicode scalar
    /// boundary so the payload fits 125 bytes.
    public static func close(code: WebSocketCloseCode, reason: String = "") -> [UInt8] {
        encode(opcode: .close, payload: closePayload(code: code.rawValue, reason: reason))
    }

    /// The payload of a close frame: code big-endian, then at most 123 bytes of reason cut at
    /// a scalar boundary.
    public static func closePayload(code: UInt16, reason: String) -> [UInt8] {
        var payload: [UInt8] = [UInt8(code >> 8), UInt8(code & 0xFF)]
        var kept = 0
        for scalar in reason.unicodeScalars {
            let width = UTF8.width(scalar)
            if kept &+ width > maxControlPayload &- 2 { break }
            kept &+= width
        }
        payload.append(contentsOf: reason.utf8.prefix(kept))
        return payload
    }

    /// An unmasked pong frame; payload beyond 125 bytes is dropped (control frames cannot carry it).
    public static func pong(_ payload: [UInt8]) -> [UInt8] {
        encode(opcode: .pong, payload: Array(payload.prefix(maxControlPayload)))
    }

    /// An unmasked ping frame; payload beyond 125 bytes is dropped (control frames cannot carry it).
    public static func ping(_ payload: [UInt8]) -> [UInt8] {
        encode(opcode: .ping, payload: Array(payload.prefix(maxControlPayload)))
    }

    /// Header only (unmasked), for writev(header, payload) paths.
    public static func header(opcode: WebSocketOpcode, payloadLength: Int, fin: Bool = true, rsv1: Bool = false) -> [UInt8] {
        let headerSize = size(ofHeaderFor: payloadLength, masked: false)
        return [UInt8](unsafeUninitializedCapacity: headerSize) { buffer, initialized in
            writeHeader(to: UnsafeMutableRawPointer(buffer.baseAddress!), opcode: opcode,
                        payloadLength: payloadLength, fin: fin, rsv1: rsv1, mask: nil)
            initialized = headerSize
        }
    }

    /// 2, 4 or 10 bytes of header, plus 4 for a masking key.
    static func size(ofHeaderFor payloadLength: Int, masked: Bool) -> Int {
        precondition(payloadLength >= 0, "negative payload length")
        let base = payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10
        return masked ? base &+ 4 : base
    }

    /// Writes a header of ``size(ofHeaderFor:masked:)`` bytes at `out`.
    static func writeHeader(to out: UnsafeMutableRawPointer, opcode: WebSocketOpcode, payloadLength: Int,
                                    fin: Bool, rsv1: Bool, mask: WebSocketMask?) {
        out.storeBytes(of: (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode.rawValue, as: UInt8.self)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        var at: Int
        if payloadLength <= 125 {
            out.storeBytes(of: maskBit | UInt8(payloadLength), toByteOffset: 1, as: UInt8.self)
            at = 2
        } else if payloadLength <= 0xFFFF {
            out.storeBytes(of: maskBit | 126, toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt16(payloadLength).bigEndian, toByteOffset: 2, as: UInt16.self)
            at = 4
        } else {
            out.storeBytes(of: maskBit | 127, toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt64(payloadLength).bigEndian, toByteOffset: 2, as: UInt64.self)
            at = 10
        }
        if let mask {
            out.storeBytes(of: mask.key.littleEndian, toByteOffset: at, as: UInt32.self)
        }
    }
}
