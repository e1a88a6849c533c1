/// Connection counts of the other instances, from their heartbeats: sans-I/O, time is given.
///
/// ```swift
/// var presence = ClusterPresence(timeout: 3_500)
/// presence.apply(source: "b", counts: ["/ws/chat/general": 2], full: true, now: 0)
/// presence.count(path: "/ws/chat/general")    // 2
/// presence.expire(now: 4_000)                 // b is unheard for 4 s: it drops out
/// presence.count(path: "/ws/chat/general")    // 0
/// ```
/// Reading a count is one dictionary lookup: totals are kept up to date as reports arrive.
struct ClusterPresence: Sendable {
    let timeout: UInt64
    private var instances: [String: (counts: [String: Int], lastSeen: UInt64)] = [:]
    private var totals: [String: Int] = [:]

    init(timeout: UInt64) { self.timeout = timeout }

    /// How many other instances are alive.
    var instanceCount: Int { instances.count }

    /// Connections on `path` across the other instances.
    func count(path: String) -> Int { totals[path] ?? 0 }

    /// A report from `source`: its whole table (`full`, a heartbeat) or just the paths that
    /// changed (0 removes a path).
    mutating func apply(source: String, counts: [String: Int], full: Bool, now: UInt64) {
        var entry = instances[source] ?? ([:], now)
        if full {
            for (path, old) in entry.counts where counts[path] == nil { adjust(path, by: -old) }
            for (path, new) in counts where new > 0 { adjust(path, by: new - (entry.counts[path] ?? 0)) }
            entry.counts = counts.filter { $0.value > 0 }
        } else {
            for (path, new) in counts {
                adjust(path, by: max(0, new) - (entry.counts[path] ?? 0))
                entry.counts[path] = new > 0 ? new : nil
            }
        }
        entry.lastSeen = now
        instances[source] = entry
    }

    /// An instance said goodbye (it is shutting down).
    mutating func remove(source: String) {
        guard let entry = instances.removeValue(forKey: source) else { return }
        for (path, count) in entry.counts { adjust(path, by: -count) }
    }

    /// Drops instances unheard for longer than the timeout; returns their ids.
    @discardableResult
    mutating func expire(now: UInt64) -> [String] {
        let gone = instances.filter { now > $0.value.lastSeen + timeout }.map(\.key)
        for source in gone { remove(source: source) }
        return gone
    }

    /// Forgets every instance (this one lost Redis: it cannot know who is still there).
    mutating func removeAll() {
        instances.removeAll()
        totals.removeAll()
    }

    private mutating func adjust(_ path: String, by delta: Int) {
        guard delta != 0 else { return }
        let value = (totals[path] ?? 0) + delta
        totals[path] = value > 0 ? value : nil
    }
}
