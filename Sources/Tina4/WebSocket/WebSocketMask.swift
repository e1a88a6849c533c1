/// The 4-byte masking key of a frame (RFC 6455 §5.3), applied 8 bytes at a time.
///
/// Byte `i` of a payload is XORed with key byte `i % 4`. A payload that arrives in pieces
/// continues at the phase where the previous piece stopped, so `apply` takes the offset of
/// the piece inside the frame's payload.
///
/// ```swift
/// let mask = WebSocketMask(0x37, 0xFA, 0x21, 0x3D)
/// var bytes: [UInt8] = [0x7F, 0x9F, 0x4D, 0x51, 0x58]         // "Hello", masked (RFC 6455 §5.7)
/// bytes.withUnsafeMutableBytes { mask.apply(to: $0, payloadOffset: 0) }
/// // bytes == Array("Hello".utf8)
/// ```
public struct WebSocketMask: Sendable, Equatable {
    /// The key with its first wire byte in the low 8 bits.
    public var key: UInt32

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        key = UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
    }

    /// The key as its 4 wire bytes, in order.
    public var bytes: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: key), UInt8(truncatingIfNeeded: key >> 8),
         UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 24))
    }

    /// Unmasks (or masks: XOR is its own inverse) `buffer` in place. `payloadOffset` is the
    /// position of `buffer`'s first byte inside the frame payload.
    public func apply(to buffer: UnsafeMutableRawBufferPointer, payloadOffset: Int) {
        guard let base = buffer.baseAddress else { return }
        apply(from: UnsafeRawPointer(base), to: base, count: buffer.count, payloadOffset: payloadOffset)
    }

    /// Writes `source` XOR key into `destination` (which may be `source`), `count` bytes.
    public func apply(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer,
                      count: Int, payloadOffset: Int) {
        let shift = UInt32(payloadOffset & 3) &* 8
        let rotated = (key >> shift) | (key << ((32 &- shift) & 31))
        let wide = (UInt64(rotated) | UInt64(rotated) << 32).littleEndian
        var i = 0
        while i &+ 32 <= count {
            let w0 = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let w1 = source.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
            let w2 = source.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)
            let w3 = source.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
            destination.storeBytes(of: w0 ^ wide, toByteOffset: i, as: UInt64.self)
            destination.storeBytes(of: w1 ^ wide, toByteOffset: i &+ 8, as: UInt64.self)
            destination.storeBytes(of: w2 ^ wide, toByteOffset: i &+ 16, as: UInt64.self)
            destination.storeBytes(of: w3 ^ wide, toByteOffset: i &+ 24, as: UInt64.self)
            i &+= 32
        }
        while i &+ 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            destination.storeBytes(of: word ^ wide, toByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        // At most 7 tail bytes; `i` is a multiple of 8, so the phase is unchanged.
        var tail = rotated
        while i < count {
            let byte = source.load(fromByteOffset: i, as: UInt8.self)
            destination.storeBytes(of: byte ^ UInt8(truncatingIfNeeded: tail), toByteOffset: i, as: UInt8.self)
            tail = (tail >> 8) | (tail << 24)
            i &+= 1
        }
    }
}
