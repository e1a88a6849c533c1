/// The progress deadline of every blocked write: a channel whose socket stopped taking output
/// must have written at least ``minimumBytesPerSecond`` × the window within each window of
/// ``windowMilliseconds`` (the request timeout, 30 s), or it is closed. So a response nobody
/// reads (`Connection: close`, an error answer, a lingering close) does not hold the socket and
/// its output forever, and a reader slower than 1 KiB/s cannot hold a large file for hours.
///
/// ```
///  flush() leaves bytes ──▶ watch(channel): baseline = bytes written, timer at now + window
///       timer: written since baseline ≥ minimum ──▶ new baseline, timer again
///              less ──▶ ChannelGroup.dropped(.writeStalled) and closeNow()
///  everything written, or the channel closed ──▶ unwatch(channel): timer cancelled
/// ```
/// Only channels waiting for writability have an entry (a token and a count), so an idle
/// connection costs nothing here.
///
/// ```swift
/// deadlines.watch(channel)     // the socket is full
/// deadlines.unwatch(channel)   // it drained
/// ```
@MainActor
struct WriteDeadlines {
    let windowMilliseconds: UInt64
    let minimumBytesPerSecond: Int

    private struct Watch {
        var timer: TimerQueue.Token
        /// The channel's ``Channel/bytesWritten`` when the window started.
        var baseline: Int
    }

    private var watches: [ObjectIdentifier: Watch] = [:]

    init(windowMilliseconds: UInt64, minimumBytesPerSecond: Int) {
        self.windowMilliseconds = windowMilliseconds
        self.minimumBytesPerSecond = minimumBytesPerSecond
    }

    /// Bytes a window must see written: at least one, even with no minimum rate.
    var minimumBytesPerWindow: Int { max(1, Int(UInt64(minimumBytesPerSecond) * windowMilliseconds / 1_000)) }

    /// Channels being watched (for tests).
    var count: Int { watches.count }

    /// Starts the deadline of `channel`, whose socket is full (no-op when already watched).
    mutating func watch(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        guard watches[key] == nil else { return }
        watches[key] = Watch(timer: schedule(channel), baseline: channel.bytesWritten)
    }

    /// Ends the deadline of `channel`: its output drained, or it closed.
    mutating func unwatch(_ channel: Channel) {
        guard let watch = watches.removeValue(forKey: ObjectIdentifier(channel)) else { return }
        channel.loop.cancel(watch.timer)
    }

    private func schedule(_ channel: Channel) -> TimerQueue.Token {
        let loop = channel.loop
        return loop.schedule(at: loop.now() + windowMilliseconds) { [weak channel] in
            guard let channel, !channel.isClosed else { return }
            channel.group.writeDeadlinePassed(channel)
        }
    }

    /// The window of `channel` ended: true when it wrote enough (a new window starts), false
    /// when it is to be dropped (it is no longer watched). `read` is what it wrote in the window.
    mutating func windowEnded(_ channel: Channel) -> (keep: Bool, read: Int) {
        let key = ObjectIdentifier(channel)
        guard let watch = watches[key] else { return (true, 0) }
        let read = channel.bytesWritten - watch.baseline
        if read >= minimumBytesPerWindow {
            watches[key] = Watch(timer: schedule(channel), baseline: channel.bytesWritten)
            return (true, read)
        }
        watches[key] = nil
        return (false, read)
    }
}
