/// The last few WebSocket disconnects, newest last, in a ring of fixed capacity (the dashboard
/// shows them). Recording reuses the slot of the oldest entry; paths and ids are shared strings.
///
/// ```swift
/// var recent = RecentDisconnects(capacity: 2)
/// recent.record(WebSocketDisconnect(time: 1, connectionID: "a", path: "/ws/chat/x", code: 1000, reason: "closed by the client"))
/// recent.entries.count   // 1
/// ```
struct RecentDisconnects: Sendable {
    let capacity: Int
    private var ring: [WebSocketDisconnect] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    mutating func record(_ disconnect: WebSocketDisconnect) {
        if ring.count < capacity {
            ring.append(disconnect)
        } else {
            ring[next] = disconnect
        }
        next = (next + 1) % capacity
    }

    /// The newest entry, when it is about `connectionID` and has no code yet (a drop whose
    /// socket is now closing): the close fills in its code instead of adding a second entry.
    mutating func completeDrop(connectionID: String, code: UInt16) -> Bool {
        guard !ring.isEmpty else { return false }
        let newest = (next + capacity - 1) % capacity
        guard newest < ring.count, ring[newest].connectionID == connectionID, ring[newest].code == nil else { return false }
        ring[newest].code = code
        return true
    }

    /// Oldest first.
    var entries: [WebSocketDisconnect] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }
}

/// One disconnect: when (Unix seconds), which connection and path, the close code (nil until
/// known, and for a refused handshake) and why, in words.
///
/// ```swift
/// for entry in Router.hub.metrics.lastDisconnects { print(entry.path, entry.code ?? 0, entry.reason) }
/// ```
public struct WebSocketDisconnect: Sendable, Equatable {
    public var time: Double
    public var connectionID: String
    public var path: String
    public var code: UInt16?
    public var reason: String
}
