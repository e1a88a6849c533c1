import CShims
import Glibc

/// What speaks the protocol on a channel: an HTTP session, later a WebSocket session.
@MainActor
protocol ChannelSession: AnyObject {
    /// Bytes read from the socket (valid only during the call).
    func received(_ bytes: UnsafeRawBufferPointer)
    /// The peer will send nothing more (EOF). The session decides when to close: both first
    /// write what they have queued (an HTTP session its answers, a WebSocket session its replies).
    func inputEnded()
    /// The channel is closed (called exactly once); release everything.
    func channelClosed()
    /// A write emptied the output queue (after bytes had been waiting): backpressure can lift.
    func outputDrained()
    /// More than the output cap was queued (the peer is not reading): true when the session
    /// closed the channel itself (a WebSocket's slow-consumer close); false lets the channel
    /// log it and close.
    func outputOverflowed() -> Bool
}

extension ChannelSession {
    func outputDrained() {}
    func outputOverflowed() -> Bool { false }
}

/// One accepted TCP connection: its fd, its output queue, and the session speaking on it.
///
/// Reads go through the loop's shared buffer straight into the session's parser; writes are
/// queued and flushed once per loop turn with `writev`. The channel reads time and schedules
/// through ``loop`` (its group's), never through ``EventLoop/shared``.
///
/// Its state is three small enums rather than flags; each diagram matches the code below.
///
/// Two mechanisms bound what a connection can make the server hold:
/// - The *backlog* cap: a send onto a queue that already holds more than
///   ``ChannelGroup/maxOutputBytes`` unwritten bytes means the client is not reading, and it is
///   disconnected (so a queue peaks at the cap plus one item). One big item on a moving queue is
///   fine: a 20 MB file is a response the server chose to produce, not a backlog. A channel
///   that ``carriesWebSocket`` has its own cap, ``ChannelGroup/maxWebSocketOutputBytes``, and
///   its session closes it (a 1008 close frame tried once, ``abort(sending:)``).
/// - Backpressure, for sessions that produce output in answer to input (HTTP): the session
///   checks ``pendingOutputBytes``, pauses reading, and resumes when told the output drained
///   (``ChannelSession/outputDrained()``).
/// - The *write deadline* (``WriteDeadlines``): while the socket is full, the client must read a
///   minimum amount per window (1 KiB/s over 30 s), or the channel is closed. It covers every
///   output, including a final response being flushed before a close.
@MainActor
final class Channel: EventLoopHandler {
    /// Where the connection is in its life.
    ///
    /// ```
    ///  open ──closeWhenFlushed()──▶ flushingToClose ──queue written──▶ lingering ──peer EOF / linger timer──▶ closed
    ///   │                                                   (peer EOF already seen: straight to closed)
    ///   └──send onto a backlog over the cap──▶ overflowed ──next flush──▶ closed
    ///
    ///  any state ──closeNow(), a read or write error, a reset while not reading──▶ closed
    /// ```
    /// In `flushingToClose`, `overflowed` and `lingering` new sends are dropped; in `lingering`
    /// the write side is shut and input is read and discarded, so the peer sees our last bytes
    /// rather than a reset.
    enum Lifecycle {
        case open
        case overflowed
        case flushingToClose
        case lingering(TimerQueue.Token)
        case closed
    }

    /// The receiving side.
    ///
    /// ```
    ///  reading ──pauseReading()──▶ paused ──resumeReading() / lingering starts──▶ reading
    ///  reading ──EOF──▶ ended
    /// ```
    /// Only `reading` has the socket's input watched; `ended` is never polled again (EOF stays
    /// readable, level-triggered). A hang-up or error reported while not reading closes the
    /// channel (see ``Lifecycle``).
    enum Input: UInt8 { case reading, paused, ended }

    /// The sending side.
    ///
    /// ```
    ///  idle ──send()──▶ flushScheduled ──flush(): all written──▶ idle
    ///                         └──flush(): the socket is full──▶ waitingForWritable ──writable, all written──▶ idle
    /// ```
    /// While `waitingForWritable` the socket's writability is watched and a send just queues: the
    /// next flush comes with the writable event (an overflow still schedules one, to close).
    enum Output: UInt8 { case idle, flushScheduled, waitingForWritable }

    let fd: Int32
    /// This channel's slot in its group's registry; -1 outside it.
    var registryIndex: Int32 = -1
    let group: ChannelGroup
    // Unchecked: only the main actor touches it, and every access is a read to call through or
    // a plain assignment; none is held across a call that could reach it again.
    @exclusivity(unchecked) var session: ChannelSession?

    // Unchecked: mutated only by this class's own methods on the main actor, each of which
    // finishes with the queue (append, write, removeAll) before calling out to anything else.
    @exclusivity(unchecked) private var queue = OutputQueue()
    private(set) var lifecycle = Lifecycle.open
    private(set) var input = Input.reading
    private(set) var output = Output.idle
    /// The channel carries a WebSocket: its backlog cap is ``ChannelGroup/maxWebSocketOutputBytes``
    /// (1 byte, in the padding before `peakQueued`).
    var carriesWebSocket = false

    /// The most bytes ever queued at once (saturating at 4 GiB); 32 bits, so that it packs with
    /// the three states above into one 16-byte slot.
    private var peakQueued: UInt32 = 0

    /// Bytes queued and not yet written.
    var pendingOutputBytes: Int { queue.byteCount }
    /// The most bytes ever queued at once on this channel (for tests and diagnostics).
    var peakPendingOutputBytes: Int { Int(peakQueued) }
    /// Bytes written to the socket so far (lets a session tell a slow reader from a stalled one).
    private(set) var bytesWritten = 0

    /// The loop this channel runs on (its group's): sessions schedule their timers here.
    ///
    /// ```swift
    /// timer = channel.loop.schedule(at: channel.loop.now() + 5_000) { [weak self] in self?.expired() }
    /// ```
    var loop: any ChannelLoop { group.loop }

    var isClosed: Bool {
        if case .closed = lifecycle { return true }
        return false
    }

    init(fd: Int32, group: ChannelGroup) {
        self.fd = fd
        self.group = group
    }

    /// Joins the group's registry and starts reading.
    func start() {
        group.add(self)
        loop.register(fd, events: UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP), handler: self)
    }

    // MARK: Events

    func handleEvents(_ events: UInt32) {
        if events & UInt32(CSHIM_EPOLLOUT) != 0 { flush() }
        if events & UInt32(CSHIM_EPOLLHUP | CSHIM_EPOLLERR) != 0 && input != .reading {
            // epoll reports hang-up and error even with no interest, level-triggered: while we are
            // not reading, this would fire every turn. The peer is gone (reset or fully closed).
            if !isClosed { group.log.debug("[server] \(logName): peer reset or hung up while not reading, closing") }
            closeNow()
            return
        }
        if events & UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP | CSHIM_EPOLLHUP | CSHIM_EPOLLERR) != 0 { readAvailable() }
    }

    private func readAvailable() {
        let buffer = group.readBuffer
        var budget = 256 * 1024   // per turn, so one busy client cannot starve the others
        while input == .reading && !isClosed && budget > 0 {
            switch Socket.read(fd, into: buffer) {
            case .data(let count):
                budget -= count
                if case .lingering = lifecycle { continue }
                session?.received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .wouldBlock:
                return
            case .eof:
                if case .lingering = lifecycle {
                    closeNow()
                } else {
                    input = .ended
                    updateInterest()
                    session?.inputEnded()
                }
                return
            case .failed:
                closeNow()
                return
            }
        }
    }

    /// Stops reading (backpressure while a request is handled) until ``resumeReading()``.
    func pauseReading() {
        guard input == .reading, !isClosed else { return }
        input = .paused
        updateInterest()
    }

    func resumeReading() {
        guard input == .paused, !isClosed else { return }
        input = .reading
        updateInterest()
        readAvailable()   // bytes may have arrived while paused (level-triggered would tell us too)
    }

    private func updateInterest() {
        var events: UInt32 = 0
        if input == .reading { events |= UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP) }
        if output == .waitingForWritable { events |= UInt32(CSHIM_EPOLLOUT) }
        loop.modify(fd, events: events)
    }

    // MARK: Output

    /// Queues bytes; they are written at the end of the loop turn. When more than
    /// ``ChannelGroup/maxOutputBytes`` is already waiting, the client is not reading: the channel
    /// is marked and closed at flush time (not in the middle of someone's broadcast).
    func send(_ bytes: OutgoingBytes) {
        guard case .open = lifecycle else { return }
        if queue.byteCount > (carriesWebSocket ? group.maxWebSocketOutputBytes : group.maxOutputBytes) {
            lifecycle = .overflowed
            if output == .waitingForWritable { loop.scheduleFlush(self) } else { requestFlush() }
            return
        }
        queue.append(bytes)
        if queue.byteCount > Int(peakQueued) { peakQueued = UInt32(clamping: queue.byteCount) }
        requestFlush()
    }

    func send(_ bytes: [UInt8]) { send(OutgoingBytes(bytes)) }

    private func requestFlush() {
        guard output == .idle else { return }
        output = .flushScheduled
        group.loop.scheduleFlush(self)
    }

    /// Writes what the socket takes now; watches for writability if some is left.
    func flush() {
        switch lifecycle {
        case .closed:
            return
        case .overflowed:
            if session?.outputOverflowed() == true {   // it logged, and tried its close frame
                closeNow()
                return
            }
            group.log.warn("\(logName): client is not reading; \(queue.byteCount) bytes queued past the \(group.maxOutputBytes)-byte output cap, disconnecting")
            closeNow()
            return
        case .open, .flushingToClose, .lingering:
            break
        }
        let queued = queue.byteCount
        let result = queue.write(to: fd, vectors: group.writeVectors)
        bytesWritten += queued - queue.byteCount
        switch result {
        case .drained:
            let wasWatching = output == .waitingForWritable
            output = .idle
            if wasWatching {
                updateInterest()
                group.writeDeadlines.unwatch(self)
            }
            if case .flushingToClose = lifecycle {
                startLingeringClose()
            } else if queued > 0 {
                session?.outputDrained()   // last: the session may queue more
            }
        case .blocked:
            if output != .waitingForWritable {
                output = .waitingForWritable
                updateInterest()
                group.writeDeadlines.watch(self)
            }
        case .failed:
            closeNow()
        }
    }

    /// Closes once everything queued is written: half-close, read and discard what the peer still
    /// sends for up to the linger time (so it sees our last bytes rather than a reset), then close.
    func closeWhenFlushed() {
        guard case .open = lifecycle else { return }
        lifecycle = .flushingToClose
        if output == .idle {
            output = .flushScheduled
            loop.scheduleFlush(self)
        }
    }

    private func startLingeringClose() {
        Socket.shutdownWrite(fd)
        if input == .ended {   // the peer already ended its side: nothing to drain
            closeNow()
            return
        }
        lifecycle = .lingering(loop.schedule(at: loop.now() + group.lingerMilliseconds) { [weak self] in
            self?.closeNow()
        })
        if input == .paused {
            input = .reading
            updateInterest()
        }
    }

    /// Drops what is queued but the rest of a frame partly written, tries once to write `bytes`
    /// after it, and closes: best effort, for a peer that stopped reading.
    func abort(sending bytes: OutgoingBytes) {
        guard !isClosed else { return }
        queue.dropUnstarted()
        queue.append(bytes)
        _ = queue.write(to: fd, vectors: group.writeVectors)
        closeNow()
    }

    /// Closes the socket at once, dropping anything queued, and leaves the group and the loop.
    /// The session hears of it before the fd is closed (its close log line names the peer).
    func closeNow() {
        let previous = lifecycle
        switch previous {
        case .closed: return
        case .lingering(let timer): loop.cancel(timer)
        case .open, .overflowed, .flushingToClose: break
        }
        lifecycle = .closed
        if output == .waitingForWritable { group.writeDeadlines.unwatch(self) }
        loop.unregister(fd)
        queue.removeAll()
        group.remove(self)
        let session = self.session
        self.session = nil
        session?.channelClosed()
        Socket.close(fd)
    }

    /// `fd=12` style name for log lines that have no connection id.
    var logName: String { "fd=\(fd)" }
}
