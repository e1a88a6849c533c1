import Glibc

/// The connections of one server, and what they share: the loop, the log and the output limits.
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

    /// Open channels, in no particular order.
    private(set) var channels: [Channel] = []
    /// The largest output backlog any closed channel reached.
    private var peakOfClosedChannels = 0

    init(loop: any ChannelLoop, log: Log, maxOutputBytes: Int, lingerMilliseconds: UInt64,
         maxWebSocketOutputBytes: Int? = nil, webSocketRateLimit: WebSocketRateLimit? = nil) {
        self.loop = loop
        self.log = log
        self.maxOutputBytes = maxOutputBytes
        self.lingerMilliseconds = lingerMilliseconds
        self.maxWebSocketOutputBytes = maxWebSocketOutputBytes ?? maxOutputBytes
        self.webSocketRateLimit = webSocketRateLimit
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
