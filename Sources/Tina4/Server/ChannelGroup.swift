import Glibc

/// The connections of one server, and what they share: the loop, the log, the output limits,
/// the connection caps (``admission``) and the write deadlines (``writeDeadlines``).
///
/// The group is the registry: a channel is in ``channels`` from ``add(_:)`` until it closes, so
/// ``closeAll(_:)`` (``Server/stop()``) reaches every connection. Channels hold the group
/// strongly and nothing in a channel refers to the ``Server``, so an event that reaches a channel
/// after its server stopped (or was released) finds a closed channel and does nothing.
///
/// Per connection the registry costs one array slot (8 bytes) and the channel's slot index
/// (4 bytes): removal swaps the last channel into the freed slot.
///
/// ```swift
/// let group = ChannelGroup(loop: loop, log: log, maxOutputBytes: 16 << 20, lingerMilliseconds: 2_000)
/// let channel = Channel(fd: fd, group: group)
/// channel.session = HTTPSession(channel: channel, ...)
/// channel.start()                     // joins the group and the loop
/// ```
@MainActor
final class ChannelGroup {
    let loop: any ChannelLoop
    /// Where refusals and drops are counted (the server's ``ServerMetrics``; nil in unit tests).
    var metrics: ServerMetrics?
    var log: Log
    /// ``ServerConfiguration/maxOutputBytes``: a send onto a queue holding more disconnects.
    let maxOutputBytes: Int
    /// ``ServerConfiguration/lingerMilliseconds``: how long a closing channel drains input.
    let lingerMilliseconds: UInt64
    /// ``ServerConfiguration/maxWebSocketOutputBytes``: the backlog cap of a channel that carries a WebSocket.
    let maxWebSocketOutputBytes: Int
    /// ``ServerConfiguration/webSocketRateLimit``: messages per connection (nil: no limit).
    let webSocketRateLimit: WebSocketRateLimit?

    /// The loop's scratch buffers, copied out once so the read and write paths reach them
    /// without going through the loop existential (which costs a retain and release per use).
    /// They live as long as the loop, which the group holds.
    let readBuffer: UnsafeMutableRawBufferPointer
    let writeVectors: UnsafeMutableBufferPointer<iovec>

    /// Who may connect: the connection caps, and the open connections per address.
    var admission: ConnectionAdmission
    /// The progress deadlines of the channels whose sockets are full.
    var writeDeadlines: WriteDeadlines
    /// Called when the last channel leaves (a shutting-down server waits for it).
    var becameEmpty: (() -> Void)?
    /// Per kind of refusal: when the last one was logged, and how many were not logged since.
    private var refusalLogs = [(time: UInt64, heldBack: Int)?](repeating: nil, count: ConnectionDrop.refusalKinds)

    /// Open channels, in no particular order.
    private(set) var channels: [Channel] = []
    /// The largest output backlog any closed channel reached.
    private var peakOfClosedChannels = 0

    init(loop: any ChannelLoop, log: Log, maxOutputBytes: Int, lingerMilliseconds: UInt64,
         maxWebSocketOutputBytes: Int? = nil, webSocketRateLimit: WebSocketRateLimit? = nil,
         admission: ConnectionAdmission = ConnectionAdmission(maxConnections: .max, maxPerAddress: 0),
         writeDeadlines: WriteDeadlines = WriteDeadlines(windowMilliseconds: 30_000, minimumBytesPerSecond: 1_024)) {
        self.loop = loop
        self.log = log
        self.maxOutputBytes = maxOutputBytes
        self.lingerMilliseconds = lingerMilliseconds
        self.maxWebSocketOutputBytes = maxWebSocketOutputBytes ?? maxOutputBytes
        self.webSocketRateLimit = webSocketRateLimit
        self.admission = admission
        self.writeDeadlines = writeDeadlines
        readBuffer = loop.readBuffer
        writeVectors = loop.writeVectors
    }

    var count: Int { channels.count }

    /// The most bytes that ever waited to be written on one channel of the group.
    var peakPendingOutputBytes: Int {
        channels.reduce(peakOfClosedChannels) { max($0, $1.peakPendingOutputBytes) }
    }

    func add(_ channel: Channel) {
        precondition(channel.registryIndex < 0, "a channel joins its group once")
        channel.registryIndex = Int32(channels.count)
        channels.append(channel)
    }

    /// Called by the channel as it closes.
    func remove(_ channel: Channel) {
        let index = Int(channel.registryIndex)
        guard index >= 0, index < channels.count, channels[index] === channel else { return }
        let last = channels.removeLast()
        if index < channels.count {
            channels[index] = last
            last.registryIndex = Int32(index)
        }
        channel.registryIndex = -1
        peakOfClosedChannels = max(peakOfClosedChannels, channel.peakPendingOutputBytes)
        admission.released(channel.fd)
        if channels.isEmpty, let becameEmpty { becameEmpty() }
    }

    // MARK: Refusals and drops

    /// The one place a refused or dropped connection is reported (one log line; refusals, which
    /// come in floods, at most one line per kind per 10 s, saying how many were held back).
    func dropped(_ drop: ConnectionDrop) {
        metrics?.count(drop)
        guard let kind = drop.refusalKind else { return log.info(drop.message) }
        let now = loop.now()
        if let last = refusalLogs[kind], now < last.time + 10_000 {
            refusalLogs[kind]?.heldBack += 1
            return
        }
        let heldBack = refusalLogs[kind]?.heldBack ?? 0
        refusalLogs[kind] = (now, 0)
        log.warn(drop.message + (heldBack > 0 ? " (and \(heldBack) more since the last such line)" : ""))
    }

    /// A watched channel's write window ended (``WriteDeadlines``): it carries on, or is dropped.
    func writeDeadlinePassed(_ channel: Channel) {
        let (keep, read) = writeDeadlines.windowEnded(channel)
        guard !keep else { return }
        dropped(.writeStalled(
            channel: channel.logName, read: read, pending: channel.pendingOutputBytes,
            milliseconds: writeDeadlines.windowMilliseconds, minimumBytesPerSecond: writeDeadlines.minimumBytesPerSecond))
        channel.closeNow()
    }

    /// Closes every channel; `beforeClosing` may queue a last message on each (it is flushed).
    func closeAll(_ beforeClosing: (Channel) -> Void = { _ in }) {
        for channel in channels {   // a copy: closing removes from `channels`
            beforeClosing(channel)
            channel.closeNow()
        }
        channels.removeAll()
    }
}
