/// A FIFO of encoded envelopes bounded by count and bytes: pushing past either limit drops the
/// oldest and counts it. O(1) amortised per operation.
///
/// ```swift
/// var queue = EnvelopeQueue(limit: 2, byteLimit: 1 << 20)
/// queue.push([1]); queue.push([2]); queue.push([3])   // [1] is dropped
/// queue.dropped        // 1
/// queue.popFirst()     // [2]
/// ```
struct EnvelopeQueue: Sendable {
    let limit: Int
    let byteLimit: Int
    private var items: [[UInt8]] = []
    private var head = 0
    private(set) var byteCount = 0
    /// Envelopes dropped because the queue was full, since the last ``takeDropped()``.
    private(set) var dropped = 0
    /// Envelopes dropped because the queue was full, ever (for `/metrics`).
    private(set) var droppedTotal = 0

    init(limit: Int, byteLimit: Int) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    var count: Int { items.count - head }
    var isEmpty: Bool { count == 0 }
    var first: [UInt8]? { isEmpty ? nil : items[head] }

    /// Appends at the back, dropping the oldest while over a limit (possibly `bytes` itself, when
    /// it alone is bigger than the byte limit or the limit is 0).
    mutating func push(_ bytes: [UInt8]) {
        items.append(bytes)
        byteCount += bytes.count
        trim()
    }

    /// Puts envelopes back at the front, in their order (those sent but never acknowledged).
    mutating func pushFront(_ front: [[UInt8]]) {
        guard !front.isEmpty else { return }
        items = front + items[head...]
        head = 0
        byteCount += front.reduce(0) { $0 + $1.count }
        trim()
    }

    mutating func popFirst() -> [UInt8]? {
        guard head < items.count else { return nil }
        let item = items[head]
        items[head] = []
        head += 1
        byteCount -= item.count
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    /// Everything, oldest first, leaving the queue empty.
    mutating func removeAll() -> [[UInt8]] {
        let all = Array(items[head...])
        items.removeAll()
        head = 0
        byteCount = 0
        return all
    }

    /// The drop count so far, reset to zero.
    mutating func takeDropped() -> Int {
        defer { dropped = 0 }
        return dropped
    }

    private mutating func trim() {
        while count > 0 && (count > limit || byteCount > byteLimit) {
            _ = popFirst()
            dropped += 1
            droppedTotal += 1
        }
    }
}
