/// Every open WebSocket of a route table (``RouteTable/hub``; ``Router/hub`` for the default
/// table), grouped by the canonical path it connected to (``CanonicalPath``): the `path`
/// arguments below are in that form, as ``WebSocketConnection/path`` is.
///
/// This is the one place a broadcast fans out: the frame is encoded once, straight into the
/// ``OutgoingBytes`` every receiver's queue shares, and written at the end of the loop turn.
/// With permessage-deflate it is also compressed once per distinct outbound setting
/// (``BroadcastFrames``), and receivers with that setting share those bytes.
/// Membership means open: a connection joins when its `.open` is delivered and leaves the
/// moment it starts closing (before its `.close` event).
@MainActor
public final class WebSocketHub {
    private var groups: [String: [WebSocketConnection]] = [:]
    /// Open connections across all paths.
    public private(set) var totalCount = 0

    /// The backplane carrying broadcasts to other instances (``RedisBackplane``); nil: local only.
    var relay: (any WebSocketHubRelay)?

    /// What `/metrics` and the dashboard report for the connections of this hub.
    public let metrics = ServerMetrics()

    public init() {}

    func add(_ connection: WebSocketConnection) {
        groups[connection.path, default: []].append(connection)
        connection.hubIndex = Int32(groups[connection.path]!.count - 1)
        totalCount += 1
        metrics.webSocketJoined(route: connection.route)
        relay?.localCountChanged(path: connection.path)
    }

    /// Removes a connection (idempotent). Swaps the last member into its place.
    func remove(_ connection: WebSocketConnection) {
        let index = Int(connection.hubIndex)
        guard index >= 0, var group = groups[connection.path], index < group.count, group[index] === connection else { return }
        groups[connection.path] = nil  // keep the array uniquely referenced while editing it
        let last = group.removeLast()
        if last !== connection {
            group[index] = last
            last.hubIndex = Int32(index)
        }
        connection.hubIndex = -1
        totalCount -= 1
        metrics.webSocketLeft(route: connection.route)
        if !group.isEmpty { groups[connection.path] = group }
        relay?.localCountChanged(path: connection.path)
    }

    /// Open connections on `path`: on every instance when a backplane is on (the other
    /// instances' part as last reported; reading never waits on the network).
    public func count(path: String) -> Int { localCount(path: path) + (relay?.remoteCount(path: path) ?? 0) }

    /// Open connections on `path` in this process.
    public func localCount(path: String) -> Int { groups[path]?.count ?? 0 }

    /// Every path with open connections in this process, and how many.
    public func localCounts() -> [String: Int] { groups.mapValues(\.count) }

    /// How many distinct paths have open connections in this process.
    public var openPathCount: Int { groups.count }

    /// The `limit` paths with the most open connections in this process, busiest first (ties
    /// by path). One pass over the paths, keeping the best `limit`.
    public func busiestPaths(limit: Int) -> [(path: String, count: Int)] {
        guard limit > 0 else { return [] }
        var best: [(path: String, count: Int)] = []
        func before(_ a: (path: String, count: Int), _ b: (path: String, count: Int)) -> Bool {
            a.count != b.count ? a.count > b.count : a.path < b.path
        }
        for (path, group) in groups {
            let entry = (path: path, count: group.count)
            if best.count == limit {
                guard before(entry, best[limit - 1]) else { continue }
                best.removeLast()
            }
            let index = best.firstIndex { before(entry, $0) } ?? best.count
            best.insert(entry, at: index)
        }
        return best
    }

    /// The backplane's state and counts, nil when none is running.
    public var backplaneMetrics: BackplaneMetrics? { relay?.metrics }

    /// The open connections on `path` (a snapshot).
    public func connections(path: String) -> [WebSocketConnection] { groups[path] ?? [] }

    /// Sends `text` to every open connection on `path` except `excluded`; returns how many.
    @discardableResult
    public func broadcast(text: String, toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        var frames = BroadcastFrames(text: text)
        var bytes = 0
        let delivered = groups[path].map { deliver(&frames, to: $0, bytes: &bytes) { $0 === excluded } } ?? 0
        metrics.broadcastDelivered(to: delivered, bytes: bytes)
        relay?.relay(.text(text), toPath: path, excluding: excluded?.id)
        return delivered
    }

    /// Sends `bytes` as a binary message to every open connection on `path` except `excluded`.
    @discardableResult
    public func broadcast(binary bytes: [UInt8], toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        var frames = BroadcastFrames(binary: bytes)
        var queued = 0
        let delivered = groups[path].map { deliver(&frames, to: $0, bytes: &queued) { $0 === excluded } } ?? 0
        metrics.broadcastDelivered(to: delivered, bytes: queued)
        relay?.relay(.binary(bytes), toPath: path, excluding: excluded?.id)
        return delivered
    }

    /// Delivers a broadcast from another instance to this process's connections only.
    @discardableResult
    func deliverRelayed(_ envelope: BackplaneEnvelope) -> Int {
        var frames: BroadcastFrames
        switch envelope.payload {
        case .text(let text): frames = BroadcastFrames(text: text)
        case .binary(let bytes): frames = BroadcastFrames(binary: bytes)
        }
        var bytes = 0
        let delivered: Int
        switch envelope.target {
        case .path(let path):
            delivered = groups[path].map { deliver(&frames, to: $0, bytes: &bytes) { $0.id == envelope.exclude } } ?? 0
        case .all:
            delivered = groups.values.reduce(0) { $0 + deliver(&frames, to: $1, bytes: &bytes) { $0.id == envelope.exclude } }
        }
        metrics.broadcastDelivered(to: delivered, bytes: bytes)
        return delivered
    }

    /// Queues the broadcast's shared bytes on every member: `frames` encodes the plain frame
    /// once and each compressed variant once (receivers with equal permessage-deflate settings
    /// share one). Membership means open (a connection leaves its group the moment it stops
    /// being open), so the only check per receiver is that its socket is still there.
    /// `skipped` names the one receiver left out: the sender by identity for a local broadcast,
    /// by id for a relayed envelope (the sender is on another instance, or is here by id only).
    /// `bytes` grows by what was queued (for ``metrics``: one add per receiver, counted once per
    /// broadcast by the caller).
    private func deliver(_ frames: inout BroadcastFrames, to group: [WebSocketConnection], bytes: inout Int,
                         skipping skipped: (WebSocketConnection) -> Bool) -> Int {
        var delivered = 0
        for connection in group where !skipped(connection) {
            guard let transport = connection.transport else { continue }
            let frame = frames.bytes(for: connection.outboundCompression)
            transport.send(frame)
            delivered &+= 1
            bytes &+= frame.count
        }
        return delivered
    }
}
