/// SHA-1 (FIPS 180-4 §6.1), here only to compute `Sec-WebSocket-Accept`.
///
/// SHA-1 is broken for collision resistance; the WebSocket handshake uses it as a fixed
/// transform, not for security. Do not use it to protect anything.
///
/// ```swift
/// let digest = SHA1.hash(Array("abc".utf8))   // 20 bytes: a9 99 3e 36 ...
/// ```
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        let count = bytes.count
        let wholeBlocks = count / 64
        for block in 0..<wholeBlocks {
            compress(&state, UnsafeRawBufferPointer(rebasing: bytes[block * 64 ..< block * 64 + 64]))
        }
        // Padding: the tail, 0x80, zeros, then the message length in bits as a big-endian
        // UInt64, filling one block or two.
        let tail = count - wholeBlocks * 64
        let paddedTail = tail < 56 ? 64 : 128
        var last = [UInt8](repeating: 0, count: paddedTail)
        for i in 0..<tail { last[i] = bytes[wholeBlocks * 64 + i] }
        last[tail] = 0x80
        let bitLength = UInt64(count) &* 8
        for i in 0..<8 { last[paddedTail - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i))) }
        last.withUnsafeBytes { raw in
            for block in 0..<paddedTail / 64 {
                compress(&state, UnsafeRawBufferPointer(rebasing: raw[block * 64 ..< block * 64 + 64]))
            }
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(20)
        for word in [state.0, state.1, state.2, state.3, state.4] {
            digest += [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)]
        }
        return digest
    }

    /// Folds one 64-byte block into the state.
    private static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
            }
            for t in 16..<80 {
                w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)
            }
            var (a, b, c, d, e) = h
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = rotl(b, 30)
                b = a
                a = temp
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
