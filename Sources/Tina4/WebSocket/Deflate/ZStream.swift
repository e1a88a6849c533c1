import CZlib

/// One zlib raw-deflate stream (compressing or decompressing), owned by a
/// ``PerMessageDeflater`` or ``PerMessageInflater``, freed (deflateEnd/inflateEnd) on deinit.
///
/// Safety of `@unchecked Sendable`: the owners only touch the stream after
/// `isKnownUniquelyReferenced` proved they hold the only reference (copy-on-write through
/// ``copy()``), so no two values, and so no two threads, ever use the same stream.
final class ZStream: @unchecked Sendable {
    enum Kind { case deflate, inflate }

    let stream: UnsafeMutablePointer<z_stream>
    let kind: Kind

    private init(kind: Kind) {
        self.kind = kind
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    /// A raw inflater (no zlib header) with a window of 2^`windowBits` bytes; nil when zlib
    /// cannot allocate it.
    static func inflater(windowBits: Int) -> ZStream? {
        let box = ZStream(kind: .inflate)
        let status = inflateInit2_(box.stream, -Int32(windowBits), zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { box.initialized = false; return nil }
        return box
    }

    /// A raw deflater with a window of 2^`windowBits` bytes (9...15), zlib level `level` and
    /// `memoryLevel` 1...9 (zlib's default 8): about 2^(windowBits+2) + 2^(memoryLevel+9) bytes
    /// of state; deflateReset clears a hash table of 2^(memoryLevel+8) bytes.
    static func deflater(windowBits: Int, level: Int, memoryLevel: Int = 8) -> ZStream? {
        let box = ZStream(kind: .deflate)
        let status = deflateInit2_(box.stream, Int32(level), Z_DEFLATED, -Int32(windowBits), Int32(memoryLevel), Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { box.initialized = false; return nil }
        return box
    }

    /// An independent copy with the same state (window included), for copy-on-write.
    func copy() -> ZStream? {
        let box = ZStream(kind: kind)
        let status = kind == .deflate ? deflateCopy(box.stream, stream) : inflateCopy(box.stream, stream)
        guard status == Z_OK else { box.initialized = false; return nil }
        return box
    }

    private var initialized = true

    deinit {
        if initialized {
            switch kind {
            case .deflate: deflateEnd(stream)
            case .inflate: inflateEnd(stream)
            }
        }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}
