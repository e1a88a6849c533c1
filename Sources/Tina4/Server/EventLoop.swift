import CShims
import Dispatch
import Glibc

/// An object the event loop wakes when its file descriptor is ready.
@MainActor
protocol EventLoopHandler: AnyObject {
    /// `events` is a mask of `CSHIM_EPOLL*` bits.
    func handleEvents(_ events: UInt32)
}

/// The single-threaded epoll loop every socket of the process runs on, on the main actor.
///
/// It runs in one of two ways, with the same turn logic:
/// - ``run()`` owns the main thread: it blocks in `epoll_wait` with libdispatch's main-queue fd in
///   the set, so `@MainActor` tasks run between socket events on this one thread (`tina4 serve`).
/// - ``attachToMainQueue()`` lets whoever already drives the main queue (`dispatchMain`, a test
///   runner) drive the loop too: a dispatch source on the epoll fd runs a turn when it is readable.
///
/// A turn handles the ready fds, fires due timers, then flushes every channel that queued output
/// during the turn (one `writev` each), so a broadcast costs one syscall per receiver per turn.
@MainActor
final class EventLoop: ChannelLoop {
    /// The process's loop. Sockets are registered here; it is created on first use.
    static let shared = EventLoop()

    let epollFD: Int32
    /// The channel on each fd, indexed by fd: 8 bytes per descriptor, and a direct call per event.
    private var channels: [Channel?] = []
    /// The few other handlers (listening sockets).
    private var otherHandlers: [Int32: EventLoopHandler] = [:]
    private var events = [cshim_epoll_event](repeating: cshim_epoll_event(), count: 256)

    /// One receive buffer for every socket of the loop: data is parsed out of it before the next read.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Scratch `iovec`s for every `writev` of the loop.
    let writeVectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 64)

    private(set) var timers = TimerQueue()
    private let timerFD: Int32
    private var armedTimerDeadline: UInt64 = .max

    private var flushList: [Channel] = []
    private var flushScheduled = false
    private var insideTurn = false
    private var running = false
    private var dispatchSource: DispatchSourceRead?
    private var mainQueueFD: Int32 = -1

    private init() {
        epollFD = cshim_epoll_create()
        timerFD = cshim_timerfd_create()
        precondition(epollFD >= 0 && timerFD >= 0, "epoll/timerfd unavailable: \(String(cString: strerror(errno)))")
        _ = cshim_epoll_add(epollFD, timerFD, UInt32(CSHIM_EPOLLIN), UInt64(timerFD))
    }

    // MARK: Registration

    func register(_ fd: Int32, events: UInt32, handler: EventLoopHandler) {
        if let channel = handler as? Channel {
            let index = Int(fd)
            if index >= channels.count { channels.append(contentsOf: repeatElement(nil, count: index + 1 - channels.count)) }
            channels[index] = channel
        } else {
            otherHandlers[fd] = handler
        }
        _ = cshim_epoll_add(epollFD, fd, events, UInt64(fd))
    }

    func modify(_ fd: Int32, events: UInt32) {
        _ = cshim_epoll_modify(epollFD, fd, events, UInt64(fd))
    }

    /// Stops watching `fd`. Call before closing it.
    func unregister(_ fd: Int32) {
        _ = cshim_epoll_remove(epollFD, fd)
        if Int(fd) < channels.count { channels[Int(fd)] = nil }
        otherHandlers[fd] = nil
    }

    // MARK: Output batching

    /// Asks for `channel` to be flushed at the end of this turn (or soon, outside a turn).
    func scheduleFlush(_ channel: Channel) {
        flushList.append(channel)
        if !insideTurn && !flushScheduled {
            flushScheduled = true
            DispatchQueue.main.async { MainActor.assumeIsolated { self.flushPending() } }
        }
    }

    private func flushPending() {
        flushScheduled = false
        var index = 0
        while index < flushList.count {  // flushing may schedule more (a close after a write)
            flushList[index].flush()
            index += 1
        }
        flushList.removeAll(keepingCapacity: flushList.count <= 1024)
    }

    // MARK: Timers

    /// Calls `action` once at `deadline` (milliseconds on ``now()``'s clock).
    func schedule(at deadline: UInt64, _ action: @escaping @MainActor () -> Void) -> TimerQueue.Token {
        let token = timers.add(deadline: deadline, action)
        if !insideTurn { armTimerFD() }
        return token
    }

    func cancel(_ token: TimerQueue.Token) { timers.cancel(token) }

    /// Milliseconds on the monotonic clock (``MonotonicClock/milliseconds()``).
    func now() -> UInt64 { MonotonicClock.milliseconds() }

    private func armTimerFD() {
        let next = timers.nextDeadline ?? .max
        guard next != armedTimerDeadline else { return }
        armedTimerDeadline = next
        if next == .max {
            _ = cshim_timerfd_arm(timerFD, 0)
        } else {
            let now = self.now()
            _ = cshim_timerfd_arm(timerFD, next > now ? next - now : 1)
        }
    }

    // MARK: Running

    /// Runs the loop on the main thread until ``stop()``, servicing the main dispatch queue too.
    func run() {
        precondition(dispatchSource == nil, "the loop is already attached to the main queue")
        mainQueueFD = cshim_main_queue_fd()
        _ = cshim_epoll_add(epollFD, mainQueueFD, UInt32(CSHIM_EPOLLIN), UInt64(mainQueueFD))
        running = true
        cshim_drain_main_queue()
        while running {
            turn(timeoutMilliseconds: -1)
        }
        _ = cshim_epoll_remove(epollFD, mainQueueFD)
    }

    /// Lets the main dispatch queue drive the loop (used when something else owns the main thread).
    func attachToMainQueue() {
        guard dispatchSource == nil, !running else { return }
        let source = DispatchSource.makeReadSource(fileDescriptor: epollFD, queue: .main)
        source.setEventHandler { MainActor.assumeIsolated { self.turn(timeoutMilliseconds: 0) } }
        source.resume()
        dispatchSource = source
    }

    /// Makes ``run()`` return after the current turn.
    func stop() { running = false }

    private func turn(timeoutMilliseconds: Int32) {
        let count = events.withUnsafeMutableBufferPointer { buffer in
            cshim_epoll_wait(epollFD, buffer.baseAddress, Int32(buffer.count), timeoutMilliseconds)
        }
        insideTurn = true
        if count > 0 {
            for i in 0..<Int(count) {
                let fd = Int32(truncatingIfNeeded: events[i].data)
                let mask = events[i].events
                if fd == timerFD {
                    var expirations: UInt64 = 0
                    _ = read(timerFD, &expirations, 8)
                    armedTimerDeadline = .max
                } else if fd == mainQueueFD {
                    cshim_drain_main_queue()
                } else if Int(fd) < channels.count, let channel = channels[Int(fd)] {
                    channel.handleEvents(mask)
                } else if let handler = otherHandlers[fd] {
                    handler.handleEvents(mask)
                }
            }
        }
        let now = self.now()
        while let action = timers.popDue(now: now) { action() }
        flushPending()
        insideTurn = false
        armTimerFD()
    }
}
