/// A parsed frame header (the layout is drawn on ``WebSocketFrameDecoder``).
///
/// Parsing never fails: every check that can fail lives in the decoder, which knows the
/// connection's role and the message in progress.
struct WebSocketFrameHeader: Sendable {
    var fin: Bool
    /// RSV1–RSV3 as they sit in the first byte (mask 0x70).
    var reserved: UInt8
    /// The raw 4-bit opcode; may be a reserved value.
    var opcodeBits: UInt8
    var mask: WebSocketMask?
    /// The declared payload length; up to 2^64 - 1 before the decoder rejects the top bit.
    var payloadLength: UInt64

    /// Bytes in the whole header, known from the second byte alone: 2, + 2 or 8 for an
    /// extended length, + 4 for a masking key.
    static func size(secondByte b1: UInt8) -> Int {
        var size = 2
        switch b1 & 0x7F {
        case 126: size += 2
        case 127: size += 8
        default: break
        }
        if b1 & 0x80 != 0 { size += 4 }
        return size
    }

    /// Reads a header from exactly `size(secondByte:)` bytes.
    init(parsing raw: UnsafeRawBufferPointer) {
        let b0 = raw[0]
        let b1 = raw[1]
        fin = b0 & 0x80 != 0
        reserved = b0 & 0x70
        opcodeBits = b0 & 0x0F
        var at = 2
        switch b1 & 0x7F {
        case 126:
            payloadLength = UInt64(raw[2]) << 8 | UInt64(raw[3])
            at = 4
        case 127:
            payloadLength = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
            at = 10
        case let short:
            payloadLength = UInt64(short)
        }
        mask = b1 & 0x80 != 0 ? WebSocketMask(raw[at], raw[at + 1], raw[at + 2], raw[at + 3]) : nil
    }
}
