/// Cuts an input into pieces of pseudo-random sizes, the same pieces for the same input, so a
/// target can feed an incremental parser in pieces and compare with feeding it all at once.
/// The seed is a hash of the input: mutating any byte also moves the cuts.
///
/// ```swift
/// for piece in Splits.pieces(of: bytes) { parser.append(piece) }
/// ```
public enum Splits {
    public static func pieces(of bytes: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        for byte in bytes { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var pieces: [UnsafeRawBufferPointer] = []
        var start = 0
        while start < bytes.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Mostly tiny pieces (every byte boundary matters), sometimes large ones.
            let size = (state >> 61) == 0 ? Int((state >> 33) % 512) + 1 : Int((state >> 33) % 8) + 1
            let end = min(bytes.count, start + size)
            pieces.append(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
        return pieces
    }
}
