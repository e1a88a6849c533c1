import Glibc

/// Immutable bytes with a stable address, shared by every output queue that sends them.
///
/// A broadcast frame is encoded once into one `OutgoingBytes` and the same instance is queued on
/// every receiver; it is freed when the last queue has written it.
final class OutgoingBytes {
    let base: UnsafeMutableRawPointer
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
        bytes.withUnsafeBytes { if let source = $0.baseAddress { base.copyMemory(from: source, byteCount: count) } }
    }

    /// `count` bytes written in place by `initialize`, which must fill all of them: lets an
    /// encoder or serializer build its output straight into the bytes that are queued, with no
    /// intermediate array.
    ///
    /// ```swift
    /// let frame = OutgoingBytes(count: 2) { $0[0] = 0x8A; $0[1] = 0 }   // an empty pong
    /// ```
    init(count: Int, initializingWith initialize: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count >= 0, "negative byte count")
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
        initialize(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    /// The bytes, for tests and for the rare path that needs a copy.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }

    deinit { base.deallocate() }
}

/// Bytes waiting to be written to one socket, in order, written with `writev`.
///
/// One chunk (a response, a frame) is held inline; only a second chunk queued behind it makes
/// an array, so a connection that is sent one thing at a time holds no array at all.
struct OutputQueue {
    /// The chunk queued when it is the only one.
    private var single: OutgoingBytes?
    /// Every chunk, when more than one is queued (then `single` is nil).
    private var chunks: [OutgoingBytes] = []
    private var head = 0            // index of the first unwritten chunk
    private var headOffset = 0      // bytes of the first unwritten chunk already written
    /// Bytes queued and not yet written.
    private(set) var byteCount = 0

    mutating func append(_ bytes: OutgoingBytes) {
        guard bytes.count > 0 else { return }
        if single == nil && chunks.isEmpty {
            single = bytes
        } else {
            if let only = single {   // head is 0 and headOffset belongs to it: it stays first
                chunks.append(only)
                single = nil
            }
            chunks.append(bytes)
        }
        byteCount += bytes.count
    }

    /// The outcome of writing as much as the socket takes.
    enum FlushResult { case drained, blocked, failed(Int32) }

    /// Writes until the queue is empty or the socket would block, using `vectors` as scratch space.
    mutating func write(to fd: Int32, vectors: UnsafeMutableBufferPointer<iovec>) -> FlushResult {
        let maxVectors = vectors.count
        while byteCount > 0 {
            var used = 0
            if let only = single {
                vectors[0] = iovec(iov_base: only.base + headOffset, iov_len: only.count - headOffset)
                used = 1
            } else {
                var index = head
                while index < chunks.count && used < maxVectors {
                    let skip = index == head ? headOffset : 0
                    vectors[used] = iovec(iov_base: chunks[index].base + skip, iov_len: chunks[index].count - skip)
                    used += 1
                    index += 1
                }
            }
            let result = Socket.writev(fd, UnsafeBufferPointer(rebasing: vectors[0..<used]))
            switch result {
            case .wouldBlock: return .blocked
            case .failed(let code): return .failed(code)
            case .wrote(var written):
                byteCount -= written
                if let only = single {
                    if written >= only.count - headOffset {
                        single = nil
                        headOffset = 0
                    } else {
                        headOffset += written
                    }
                    continue
                }
                while written > 0 {
                    let remaining = chunks[head].count - headOffset
                    if written >= remaining {
                        written -= remaining
                        head += 1
                        headOffset = 0
                    } else {
                        headOffset += written
                        written = 0
                    }
                }
                compact()
            }
        }
        return .drained
    }

    /// Drops every chunk not started yet, keeping the rest of one partly written, so bytes
    /// appended next still start on a frame boundary (a slow consumer's last close frame).
    mutating func dropUnstarted() {
        if let only = single {
            if headOffset == 0 { removeAll() } else { byteCount = only.count - headOffset }
            return
        }
        guard head < chunks.count, headOffset > 0 else { return removeAll() }
        let started = chunks[head]
        chunks = []
        head = 0
        single = started
        byteCount = started.count - headOffset
    }

    /// Drops everything queued (the connection is going away).
    mutating func removeAll() {
        single = nil
        chunks = []
        head = 0
        headOffset = 0
        byteCount = 0
    }

    private mutating func compact() {
        if head == chunks.count {
            // A small array is kept for the next burst (no allocation per turn on a busy
            // connection); a queue that never held two chunks at once never made one.
            chunks.removeAll(keepingCapacity: chunks.capacity <= 16)
            head = 0
        } else if head >= 32 && head * 2 >= chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }
}
