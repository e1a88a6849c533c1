/// Every open WebSocket of a route table (``RouteTable/hub``; ``Router/hub`` for the default
/// table), grouped by the canonical path it connected to (``CanonicalPath``): the `path`
/// arguments below are in that form, as ``WebSocketConnection/path`` is.
///
/// This is the one place a broadcast fans out: the frame is encoded once and the same bytes are
/// queued on each receiver, which writes them at the end of the loop turn. With
/// permessage-deflate it is also compressed once per distinct setting (``BroadcastFrames``).
@MainActor
public final class WebSocketHub {
    private var groups: [String: [WebSocketConnection]] = [:]
    /// Open connections across all paths.
    public private(set) var totalCount = 0

    public init() {}

    func add(_ connection: WebSocketConnection) {
        groups[connection.path, default: []].append(connection)
        connection.hubIndex = groups[connection.path]!.count - 1
        totalCount += 1
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
    }

    /// Open connections on `path`.
    public func count(path: String) -> Int { groups[path]?.count ?? 0 }

    /// The open connections on `path` (a snapshot).
    public func connections(path: String) -> [WebSocketConnection] { groups[path] ?? [] }

    /// Sends `text` to every open connection on `path` except `excluded`; returns how many.
    @discardableResult
    public func broadcast(text: String, toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        var frames = BroadcastFrames(text: text)
        return deliver(&frames, toPath: path, excluding: excluded)
    }

    /// Sends `bytes` as a binary message to every open connection on `path` except `excluded`.
    @discardableResult
    public func broadcast(binary bytes: [UInt8], toPath path: String, excluding excluded: WebSocketConnection? = nil) -> Int {
        var frames = BroadcastFrames(binary: bytes)
        return deliver(&frames, toPath: path, excluding: excluded)
    }

    /// `frames` encodes the plain frame once and each compressed variant once (permessage-deflate
    /// receivers with equal settings share one compressed frame).
    private func deliver(_ frames: inout BroadcastFrames, toPath path: String, excluding excluded: WebSocketConnection?) -> Int {
        guard let group = groups[path], !group.isEmpty else { return 0 }
        var delivered = 0
        for connection in group where connection !== excluded {
            if let session = connection.session, session.isOpen {
                session.send(frames.bytes(for: session.outboundCompression))
                delivered += 1
            }
        }
        return delivered
    }
}
