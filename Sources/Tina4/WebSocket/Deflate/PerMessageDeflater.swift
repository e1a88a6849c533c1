import CZlib

/// Compresses whole messages for permessage-deflate (RFC 7692 §7.2.1), sans-I/O: raw deflate,
/// flushed with Z_SYNC_FLUSH, and the trailing 00 00 ff ff removed.
///
/// With `noContextTakeover` each message is its own stream (the state is reset, and kept for
/// reuse, after every message): its bytes are valid for any receiver, which is what lets the
/// server compress a broadcast once. With context takeover later messages may refer back to
/// earlier ones, so the bytes are for one receiver only.
///
/// zlib state is allocated by the first message. Window 8 is not possible for raw deflate in
/// zlib; it is treated as 9, which is only correct for messages of at most 256 bytes
/// (``compress(_:)`` callers must send longer ones uncompressed; the server's encoder does).
///
/// ```swift
/// var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: true))
/// let payload = deflater.compress(Array("Hello".utf8))   // f2 48 cd c9 c9 07 00
/// ```
public struct PerMessageDeflater: Sendable {
    public let settings: PerMessageDeflate.Direction
    public let level: Int
    /// zlib's memLevel, 1...9: 8 (zlib's default) suits long messages; a small one makes the
    /// reset after each message cheap (it clears a hash table of 2^(memoryLevel+8) bytes).
    public let memoryLevel: Int
    private var box: ZStream?

    public init(_ settings: PerMessageDeflate.Direction, level: Int = 6, memoryLevel: Int = 8) {
        self.settings = settings
        self.level = level
        self.memoryLevel = min(max(memoryLevel, 1), 9)
    }

    /// True while zlib state is held.
    public var holdsState: Bool { box != nil }

    /// The compressed payload of one message (RSV1 goes on its first frame); nil only when zlib
    /// cannot allocate its state.
    public mutating func compress(_ message: UnsafeRawBufferPointer) -> [UInt8]? {
        if box == nil {
            box = ZStream.deflater(windowBits: max(settings.maxWindowBits, 9), level: level, memoryLevel: memoryLevel)
        } else if !isKnownUniquelyReferenced(&box!) {
            box = box!.copy()
        }
        guard let stream = box?.stream else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(message.count / 2 &+ 64)
        // zlib takes a null next_in when avail_in is 0 (an empty message).
        stream.pointee.next_in = message.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(message.count)
        let ok: Bool = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { scratch in
            while true {
                stream.pointee.next_out = scratch.baseAddress
                stream.pointee.avail_out = UInt32(scratch.count)
                let status = deflate(stream, Z_SYNC_FLUSH)
                let produced = scratch.count &- Int(stream.pointee.avail_out)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0 ..< produced]))
                if status != Z_OK && status != Z_BUF_ERROR { return false }
                // Finished when zlib had output room to spare: everything is flushed.
                if stream.pointee.avail_out > 0 { return true }
            }
        }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        guard ok else { box = nil; return nil }
        if output.count >= 4, output.suffix(4).elementsEqual(PerMessageInflater.tail) {
            output.removeLast(4)
        }
        if settings.noContextTakeover { deflateReset(stream) }
        return output
    }

    /// The compressed payload of one message.
    public mutating func compress(_ message: [UInt8]) -> [UInt8]? {
        message.withUnsafeBytes { compress($0) }
    }

    /// Frees the state.
    public mutating func reset() { box = nil }
}
