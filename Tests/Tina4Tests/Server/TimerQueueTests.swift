import Testing
@testable import Tina4

/// The loop's timer heap: order, cancellation, and memory that follows the live timers.
@MainActor @Suite struct TimerQueueTests {
    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() {
        var queue = TimerQueue()
        var fired: [Int] = []
        let tokens = [30, 10, 20, 40].map { deadline in queue.add(deadline: UInt64(deadline)) { fired.append(deadline) } }
        queue.cancel(tokens[2])
        while let action = queue.popDue(now: 100) { action() }
        #expect(fired == [10, 30, 40] && queue.count == 0)
    }

    /// A live timer at the top (the heartbeat, 30 s away) must not hold back the cancelled timers
    /// behind it: 10,000 upgraded connections each cancel a later request timer.
    @Test func cancelledTimersBehindALiveOneAreReleased() {
        var queue = TimerQueue()
        var fired: [UInt64] = []
        _ = queue.add(deadline: 30_000) { fired.append(30_000) }
        for index in 0..<10_000 {
            let token = queue.add(deadline: 30_001 + UInt64(index)) { fired.append(1) }
            queue.cancel(token)
        }
        #expect(queue.count == 1)
        #expect(queue.storedCount <= 66, "stored \(queue.storedCount)")
        let late = queue.add(deadline: 20_000) { fired.append(20_000) }
        _ = late
        while let action = queue.popDue(now: 40_000) { action() }
        #expect(fired == [20_000, 30_000])
    }
}
