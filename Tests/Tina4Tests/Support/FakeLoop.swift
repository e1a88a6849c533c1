import CShims
import Dispatch
import Glibc
@testable import Tina4

/// A ``ChannelLoop`` for tests: real file descriptors, a fake clock.
///
/// A turn polls the registered fds with `poll(2)` (timeout 0, level-triggered like the real
/// epoll loop), wakes their handlers with the events they watch (hang-up and error always, as
/// epoll does), fires the timers due on the fake clock, then flushes the channels that queued
/// output. Time only moves in ``advance(by:)``, so a 30 s timeout is tested in microseconds.
///
/// ```swift
/// let loop = FakeLoop()
/// let server = Server(configuration: configuration, routes: routes, log: log, loop: loop)
/// try server.start()
/// let client = try RawConnection(port: server.port)
/// try await loop.turn(until: { server.openConnectionCount == 1 })
/// loop.advance(by: 30_000)   // the keep-alive timeout
/// ```
/// `POLLRDHUP` (Glibc exports it only with `_GNU_SOURCE`).
private let pollReadHangUp: Int16 = 0x2000

@MainActor
final class FakeLoop: ChannelLoop {
    /// The fake clock, in milliseconds.
    private(set) var time: UInt64 = 1_000_000
    private var timers = TimerQueue()
    private var handlers: [Int32: EventLoopHandler] = [:]
    /// The events each registered fd is watched for.
    private(set) var interest: [Int32: UInt32] = [:]
    private var flushList: [Channel] = []
    private(set) var stopCount = 0

    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    let writeVectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 64)

    isolated deinit {
        readBuffer.deallocate()
        writeVectors.deallocate()
    }

    func now() -> UInt64 { time }

    func schedule(at deadline: UInt64, _ action: @escaping @MainActor () -> Void) -> TimerQueue.Token {
        timers.add(deadline: deadline, action)
    }

    func cancel(_ token: TimerQueue.Token) { timers.cancel(token) }

    /// Timers scheduled and neither fired nor cancelled.
    var pendingTimerCount: Int { timers.count }

    func register(_ fd: Int32, events: UInt32, handler: EventLoopHandler) {
        handlers[fd] = handler
        interest[fd] = events
    }

    func modify(_ fd: Int32, events: UInt32) { interest[fd] = events }

    func unregister(_ fd: Int32) {
        handlers[fd] = nil
        interest[fd] = nil
    }

    /// Registered fds (the loop holds their handlers).
    var registeredCount: Int { handlers.count }

    func scheduleFlush(_ channel: Channel) { flushList.append(channel) }

    func stop() { stopCount += 1 }

    // MARK: Driving

    /// Delivers `events` to `fd`'s handler as if epoll had reported them, then ends the turn.
    func deliver(_ events: UInt32, to fd: Int32) {
        handlers[fd]?.handleEvents(events)
        endTurn()
    }

    /// One turn: ready fds, due timers, flushes.
    func turn() {
        for fd in handlers.keys.sorted() {
            guard let watched = interest[fd] else { continue }
            var poller = pollfd(fd: fd, events: Int16(POLLIN | POLLOUT) | pollReadHangUp, revents: 0)
            guard poll(&poller, 1, 0) == 1 else { continue }
            var ready: UInt32 = 0
            let revents = Int32(poller.revents)
            if revents & Int32(POLLIN) != 0 { ready |= UInt32(CSHIM_EPOLLIN) }
            if revents & Int32(POLLOUT) != 0 { ready |= UInt32(CSHIM_EPOLLOUT) }
            if revents & Int32(pollReadHangUp) != 0 { ready |= UInt32(CSHIM_EPOLLRDHUP) }
            let always = UInt32(CSHIM_EPOLLHUP | CSHIM_EPOLLERR)
            if revents & Int32(POLLHUP) != 0 { ready |= UInt32(CSHIM_EPOLLHUP) }
            if revents & Int32(POLLERR) != 0 { ready |= UInt32(CSHIM_EPOLLERR) }
            let events = ready & (watched | always)
            if events != 0 { handlers[fd]?.handleEvents(events) }
        }
        endTurn()
    }

    /// Moves the clock on, stopping at each timer's deadline on the way (so a timer that
    /// re-arms itself fires again within the span, as it would in real time), and flushes
    /// after each.
    func advance(by milliseconds: UInt64) {
        let target = time + milliseconds
        while let next = timers.nextDeadline, next <= target {
            time = max(time, next)
            endTurn()
        }
        time = target
        endTurn()
    }

    /// Turns until `condition` holds, letting main-actor tasks (async handlers) run between
    /// turns; throws after `timeout` seconds of wall-clock time (a lost event fails the test).
    func turn(until condition: () -> Bool, timeout: Double = 5) async throws {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while !condition() {
            guard DispatchTime.now().uptimeNanoseconds < deadline else { throw TestFailure("condition not met within \(timeout) s") }
            turn()
            await Task.yield()
        }
    }

    private func endTurn() {
        while let action = timers.popDue(now: time) { action() }
        var index = 0
        while index < flushList.count {   // flushing may schedule more
            flushList[index].flush()
            index += 1
        }
        flushList.removeAll()
    }
}
