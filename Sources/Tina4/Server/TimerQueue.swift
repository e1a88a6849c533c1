/// One-shot timers in a min-heap, keyed by a deadline in milliseconds.
///
/// Only connections that are waiting for something (a close handshake, a slow request, a
/// keep-alive expiry) hold a timer; an idle WebSocket holds none. Cancelled timers are dropped
/// lazily when they reach the top of the heap, or all at once when they outnumber the live ones:
/// a live timer at the top (the server's heartbeat, 30 s away) would otherwise hold back every
/// cancelled one behind it, such as the request timer of each connection that upgraded.
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

    /// Entries held, cancelled ones included (for tests).
    var storedCount: Int { heap.count }

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
        if heap.count > 64 && heap.count > 2 * pending.count { compact() }   // amortised O(1) per cancel
    }

    /// Rebuilds the heap from the live entries only (releasing the cancelled ones' actions).
    private mutating func compact() {
        heap.removeAll { !pending.contains($0.id) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
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
