import Glibc

/// What a channel, a session or a server needs from the event loop: readiness registration, a
/// millisecond clock, one-shot timers, end-of-turn flushes and the shared scratch buffers.
///
/// ``EventLoop`` is the real one (epoll, timerfd, `CLOCK_MONOTONIC`). Tests hand a fake to
/// ``Server`` instead, whose clock only moves when the test says so and which delivers
/// readiness events when told to, so timeouts, linger and backpressure are exercised in
/// microseconds of test time over real sockets:
///
/// ```swift
/// let loop = FakeLoop()                          // Tests/Tina4Tests/Support/FakeLoop.swift
/// let server = Server(configuration: configuration, routes: routes, log: log, loop: loop)
/// try server.start()
/// loop.advance(by: 30_000)                       // the keep-alive timeout fires now
/// ```
///
/// Everything on the server side reads time and schedules work through the loop it was given
/// (`channel.loop`), never through ``EventLoop/shared``.
@MainActor
protocol ChannelLoop: AnyObject {
    /// Milliseconds on the loop's monotonic clock.
    func now() -> UInt64
    /// Calls `action` once at `deadline` (milliseconds on ``now()``'s clock).
    func schedule(at deadline: UInt64, _ action: @escaping @MainActor () -> Void) -> TimerQueue.Token
    /// Cancels a timer that has not fired (a fired or cancelled token is ignored).
    func cancel(_ token: TimerQueue.Token)

    /// Watches `fd` for `events` (a mask of `CSHIM_EPOLL*` bits) and wakes `handler`.
    func register(_ fd: Int32, events: UInt32, handler: EventLoopHandler)
    /// Changes the events watched on `fd`.
    func modify(_ fd: Int32, events: UInt32)
    /// Stops watching `fd` and drops the loop's reference to its handler. Call before closing it.
    func unregister(_ fd: Int32)

    /// Calls `channel.flush()` at the end of this turn (or soon, outside a turn).
    func scheduleFlush(_ channel: Channel)
    /// Makes a running loop return after the current turn.
    func stop()

    /// One receive buffer for every socket of the loop: data is consumed before the next read.
    /// (A ``ChannelGroup`` copies both buffer pointers once, for the channels' hot paths.)
    var readBuffer: UnsafeMutableRawBufferPointer { get }
    /// Scratch `iovec`s for every `writev` of the loop.
    var writeVectors: UnsafeMutableBufferPointer<iovec> { get }
}
