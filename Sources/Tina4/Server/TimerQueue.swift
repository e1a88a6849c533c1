/// One-shot timers in a min-heap, keyed by a deadline in milliseconds.
///
/// Only connections that are waiting for something (a close handshake, a slow request, a
/// keep-alive expiry) hold a timer; an idle WebSocket holds none. Cancelled timers are dropped
/// lazily when they reach the top of the heap.
@MainActor
struct TimerQueue {
    /// Identifies a scheduled timer so it can be cancelled.
    struct Token: Hashable, Sendable { fileprivate let id: UInt64 }

    private struct Entry {
        var deadline: UInt64
        var id: UInt64
        var action: @MainActor () -> Void
    }

    private var heap: [Entry] = []
    private var pending = Set<UInt64>()
    private var nextID: UInt64 = 1

    /// The earliest deadline still pending, if any.
    var nextDeadline: UInt64? {
        mutating get {
            dropCancelledTop()
            return heap.first?.deadline
        }
    }

    var count: Int { pending.count }

    mutating func add(deadline: UInt64, _ action: @escaping @MainActor () -> Void) -> Token {
        let id = nextID
        nextID += 1
        pending.insert(id)
        heap.append(Entry(deadline: deadline, id: id, action: action))
        siftUp(heap.count - 1)
        return Token(id: id)
    }

    mutating func cancel(_ token: Token) {
        pending.remove(token.id)
    }

    /// Removes and returns the earliest timer due at or before `now`. The caller runs it outside
    /// this mutation, since actions schedule and cancel timers themselves.
    mutating func popDue(now: UInt64) -> (@MainActor () -> Void)? {
        while let top = heap.first, top.deadline <= now {
            let entry = popTop()
            if pending.remove(entry.id) != nil { return entry.action }
        }
        return nil
    }

    private mutating func dropCancelledTop() {
        while let top = heap.first, !pending.contains(top.id) {
            _ = popTop()
        }
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
