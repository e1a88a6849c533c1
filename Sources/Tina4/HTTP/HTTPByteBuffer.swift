/// The parser's receive buffer: bytes are appended at the end and consumed from a read index.
///
/// Consumed bytes are not removed one request at a time; the storage is compacted on append
/// only once the consumed prefix is at least as large as what is left, so each byte is moved
/// at most a constant number of times. When everything is consumed the storage is reset, and a
/// large allocation (left by a big body) is released rather than kept per connection.
struct HTTPByteBuffer: Sendable {
    /// Capacity kept across requests; larger storage is freed once drained.
    static let retainedCapacity = 64 * 1024

    private var storage: [UInt8] = []
    private var readIndex = 0

    /// Bytes appended and not yet consumed.
    var count: Int { storage.count - readIndex }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        compactBeforeAppend()
        bytes.withMemoryRebound(to: UInt8.self) { storage.append(contentsOf: $0) }
    }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        compactBeforeAppend()
        if storage.isEmpty {
            storage = bytes  // shares the caller's storage; no copy until we append again
        } else {
            storage.append(contentsOf: bytes)
        }
    }

    /// Marks `n` unread bytes as consumed.
    mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= count, "consuming more bytes than buffered")
        readIndex += n
        if readIndex == storage.count { reset() }
    }

    /// Copies out and consumes the next `n` bytes.
    mutating func take(_ n: Int) -> [UInt8] {
        precondition(n >= 0 && n <= count, "taking more bytes than buffered")
        let bytes = Array(storage[readIndex..<(readIndex + n)])
        consume(n)
        return bytes
    }

    /// Copies out and consumes everything unread.
    mutating func takeAll() -> [UInt8] {
        take(count)
    }

    /// Runs `body` on the unread bytes (indices start at 0).
    func withUnreadBytes<R>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> R
    ) throws(HTTPParseError) -> R {
        let start = readIndex
        let result: Result<R, HTTPParseError> = storage.withUnsafeBufferPointer { all in
            do throws(HTTPParseError) {
                return .success(try body(UnsafeBufferPointer(rebasing: all[start...])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func reset() {
        storage.removeAll(keepingCapacity: storage.capacity <= Self.retainedCapacity)
        readIndex = 0
    }

    private mutating func compactBeforeAppend() {
        guard readIndex > 0, readIndex >= count else { return }
        storage.removeSubrange(0..<readIndex)
        readIndex = 0
    }
}
