/// Every open WebSocket of a route table (``RouteTable/hub``; ``Router/hub`` for the default
/// table), grouped by the canonical path it connected to (``CanonicalPath``): the `path`
/// arguments below are in that form, as ``WebSocketConnection/path`` is.
///
/// This is the one place a broadcast fans out: the frame is encoded once and the same bytes are
/// queued on each receiver, which writes them at the end of the loop turn.
@MainActor
public final class WebSocketHub {
    private var groups: [String: [WebSocketConnection]] = [:]
    /// Open connections across all paths.
    public private(set) var totalCount = 0

    /// The backplane carrying broadcasts to other instances (``RedisBackplane``); nil: local only.
    var relay: (any WebSocketHubRelay)?

    public init() {}

    func add(_ connection: WebSocketConnection) {
        groups[connection.path, default: []].append(connection)
        connection.hubIndex = groups[connection.path]!.count - 1
        totalCount += 1
        relay?.localCountChanged(path: connection.path)
    }

    /// Removes a connection (idempotent). Swaps the last member into its place.
    func remove(_ connection: WebSocketConnection) {
        let index = connection.hubIndex
        guard index >= 0, var group = groups[connection.path], index < group.count, group[index] === connection else { return }
        groups[connection.path] = nil  // keep the array uniquely referenced while editing it
        let last = group.removeLast()
        if last !== connection {
            group[index] = last
            last.hubIndex = index
        }
        connection.hubIndex = -1
        totalCount -= 1
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

    /// The open connections on `path` (a snapshot).
    public func connections(path: String) -> [WebSocketConnection] { groups[path] ?? [] }

    /// Sends `text` to every open connection on `path` except `excluded`; returns how many.
    @discardableResult
    public func broadcast(text: String, toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        let delivered = deliver(WebSocketFrameEncoder.text(text), toPath: path, excluding: excluded)
        relay?.relay(.text(text), toPath: path, excluding: excluded?.id)
        return delivered
    }

    /// Sends `bytes` as a binary message to every open connection on `path` except `excluded`.
    @discardableResult
    public func broadcast(binary bytes: [UInt8], toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        let delivered = deliver(WebSocketFrameEncoder.binary(bytes), toPath: path, excluding: excluded)
        relay?.relay(.binary(bytes), toPath: path, excluding: excluded?.id)
        return delivered
    }

    /// Delivers a broadcast from another instance to this process's connections only.
    @discardableResult
    func deliverRelayed(_ envelope: BackplaneEnvelope) -> Int {
        let frame: [UInt8]
        switch envelope.payload {
        case .text(let text): frame = WebSocketFrameEncoder.text(text)
        case .binary(let bytes): frame = WebSocketFrameEncoder.binary(bytes)
        }
        switch envelope.target {
        case .path(let path):
            return deliver(frame, toPath: path, excludingID: envelope.exclude)
        case .all:
            return groups.keys.reduce(0) { $0 + deliver(frame, toPath: $1, excludingID: envelope.exclude) }
        }
    }

    private func deliver(_ frame: [UInt8], toPath path: String, excludingID excluded: String?) -> Int {
        guard let group = groups[path], !group.isEmpty else { return 0 }
        let shared = OutgoingBytes(frame)
        var delivered = 0
        for connection in group where connection.id != excluded {
            if let session = connection.session, session.isOpen {
                session.send(shared)
                delivered += 1
            }
        }
        return delivered
    }

    private func deliver(_ frame: [UInt8], toPath path: String, excluding excluded: WebSocketConnection?) -> Int {
        guard let group = groups[path], !group.isEmpty else { return 0 }
        let shared = OutgoingBytes(frame)
        var delivered = 0
        for connection in group where connection !== excluded {
            if let session = connection.session, session.isOpen {
                session.send(shared)
                delivered += 1
            }
        }
        return delivered
    }
}
