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
    /// Everything queued has been handed to the kernel, after ``Channel/notifyWhenDrained()``.
    func outputDrained()
}

extension ChannelSession {
    func outputDrained() {}
}

/// One accepted TCP connection: its fd, its output queue, and the session speaking on it.
///
/// Reads go through the loop's shared buffer straight into the session's parser; writes are
/// queued and flushed once per loop turn with `writev`.
///
/// Two mechanisms bound what a connection can make the server hold:
/// - The *backlog* cap: a send onto a queue that already holds more than
///   ``ServerConfiguration/maxOutputBytes`` unwritten bytes means the client is not reading, and
///   it is disconnected (so a queue peaks at the cap plus one item). One big item on a moving
///   queue is fine: a 20 MB file is a response the server chose to produce, not a backlog.
/// - Backpressure, for sessions that produce output in answer to input (HTTP): the session
///   checks ``pendingOutputBytes``, pauses reading, and asks ``notifyWhenDrained()`` to be told
///   when the queue is empty again.
@MainActor
final class Channel: EventLoopHandler {
    let fd: Int32
    unowned let server: Server
    var session: ChannelSession?

    private var output = OutputQueue()
    private var watchingWrites = false
    private var flushRequested = false
    private var readingPaused = false
    private var overflowed = false
    /// The peer sent EOF: nothing more to read (and a level-triggered EOF must not be polled again).
    private var inputFinished = false
    private(set) var isClosed = false
    /// After the last queued byte: half-close, drain the peer's input briefly, then close.
    private var closeAfterFlush = false
    private var draining = false
    private var lingerTimer: TimerQueue.Token?
    /// The session asked to hear when the queue is empty.
    private var drainWanted = false

    /// Bytes queued and not yet written.
    var pendingOutputBytes: Int { output.byteCount }
    /// The most bytes ever queued at once on this channel (for tests and diagnostics).
    private(set) var peakPendingOutputBytes = 0
    /// Bytes written to the socket so far (lets a session tell a slow reader from a stalled one).
    private(set) var bytesWritten = 0

    init(fd: Int32, server: Server) {
        self.fd = fd
        self.server = server
    }

    func start() {
        EventLoop.shared.register(fd, events: UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP), handler: self)
    }

    // MARK: Events

    func handleEvents(_ events: UInt32) {
        if events & UInt32(CSHIM_EPOLLOUT) != 0 { flush() }
        if events & UInt32(CSHIM_EPOLLHUP | CSHIM_EPOLLERR) != 0 && (readingPaused || inputFinished) {
            // epoll reports hang-up and error even with no interest, level-triggered: while we are
            // not reading, this would fire every turn. The peer is gone (reset or fully closed).
            if !isClosed { server.log.debug("[server] \(logName): peer reset or hung up while not reading, closing") }
            closeNow()
            return
        }
        if events & UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP | CSHIM_EPOLLHUP | CSHIM_EPOLLERR) != 0 { readAvailable() }
    }

    private func readAvailable() {
        let loop = EventLoop.shared
        var budget = 256 * 1024   // per turn, so one busy client cannot starve the others
        while !isClosed && !readingPaused && !inputFinished && budget > 0 {
            switch Socket.read(fd, into: loop.readBuffer) {
            case .data(let count):
                budget -= count
                if draining { continue }
                session?.received(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
            case .wouldBlock:
                return
            case .eof:
                if draining {
                    closeNow()
                } else {
                    inputFinished = true
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
        guard !readingPaused, !isClosed else { return }
        readingPaused = true
        updateInterest()
    }

    func resumeReading() {
        guard readingPaused, !isClosed else { return }
        readingPaused = false
        updateInterest()
        if !inputFinished { readAvailable() }   // bytes may have arrived while paused (level-triggered would tell us too)
    }

    private func updateInterest() {
        var events: UInt32 = 0
        if !readingPaused && !inputFinished { events |= UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP) }
        if watchingWrites { events |= UInt32(CSHIM_EPOLLOUT) }
        EventLoop.shared.modify(fd, events: events)
    }

    // MARK: Output

    /// Queues bytes; they are written at the end of the loop turn. When more than
    /// ``ServerConfiguration/maxOutputBytes`` is already waiting, the client is not reading: the
    /// channel is marked and closed at flush time (not in the middle of someone's broadcast).
    func send(_ bytes: OutgoingBytes) {
        guard !isClosed, !closeAfterFlush, !overflowed else { return }
        if output.byteCount > server.configuration.maxOutputBytes {
            overflowed = true
        } else {
            output.append(bytes)
            if output.byteCount > peakPendingOutputBytes { peakPendingOutputBytes = output.byteCount }
        }
        requestFlush()
    }

    func send(_ bytes: [UInt8]) { send(OutgoingBytes(bytes)) }

    /// Calls the session's ``ChannelSession/outputDrained()`` once the queue is empty (at the end
    /// of this turn if it already is).
    func notifyWhenDrained() {
        guard !isClosed else { return }
        drainWanted = true
        requestFlush()
    }

    private func requestFlush() {
        guard !flushRequested else { return }
        flushRequested = true
        EventLoop.shared.scheduleFlush(self)
    }

    /// Writes what the socket takes now; watches for writability if some is left.
    func flush() {
        flushRequested = false
        guard !isClosed else { return }
        if overflowed {
            server.log.warn("\(logName): client is not reading; \(output.byteCount) bytes queued past the \(server.configuration.maxOutputBytes)-byte output cap, disconnecting")
            closeNow()
            return
        }
        let queued = output.byteCount
        let result = output.write(to: fd, vectors: EventLoop.shared.writeVectors)
        bytesWritten += queued - output.byteCount
        switch result {
        case .drained:
            if watchingWrites {
                watchingWrites = false
                updateInterest()
            }
            if closeAfterFlush {
                startLingeringClose()
            } else if drainWanted {
                drainWanted = false
                session?.outputDrained()   // last: the session may queue more and ask again
            }
        case .blocked:
            if !watchingWrites {
                watchingWrites = true
                updateInterest()
            }
        case .failed:
            closeNow()
        }
    }

    /// Closes once everything queued is written: half-close, read and discard what the peer still
    /// sends for up to the linger time (so it sees our last bytes rather than a reset), then close.
    func closeWhenFlushed() {
        guard !isClosed, !closeAfterFlush else { return }
        closeAfterFlush = true
        requestFlush()
    }

    private func startLingeringClose() {
        guard !draining, !isClosed else { return }
        draining = true
        Socket.shutdownWrite(fd)
        if inputFinished {   // the peer already ended its side: nothing to drain
            closeNow()
            return
        }
        if readingPaused {
            readingPaused = false
            updateInterest()
        }
        lingerTimer = EventLoop.shared.schedule(at: EventLoop.now() + server.configuration.lingerMilliseconds) { [weak self] in
            self?.closeNow()
        }
    }

    /// Closes the socket at once, dropping anything queued.
    func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        if let lingerTimer { EventLoop.shared.cancel(lingerTimer) }
        EventLoop.shared.unregister(fd)
        Socket.close(fd)
        output.removeAll()
        server.channelClosed(self)
        let session = self.session
        self.session = nil
        session?.channelClosed()
    }

    /// `fd=12` style name for log lines that have no connection id.
    var logName: String { "fd=\(fd)" }
}
