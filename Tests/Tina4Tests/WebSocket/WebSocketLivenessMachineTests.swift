import Testing
@testable import Tina4

/// The heartbeat, the stalled-message timeout, the rate limit and the slow consumer, decided by
/// the connection machine: ticks, bytes and the fake clock go in, pings and drops come out.
@Suite struct WebSocketLivenessMachineTests {
    static let ping: [UInt8] = [0x89, 0x00]

    func opened(rateLimit: WebSocketRateLimit? = nil) -> MachineHarness {
        let h = MachineHarness()
        h.rateLimit = rateLimit
        h.start()
        return h
    }

    // MARK: Heartbeat

    @Test func aTickPingsAConnectionThatSpokeSinceTheLastOne() {
        let h = opened()
        h.tick()                                              // the handshake counts as speaking
        #expect(h.written == [Self.ping] && h.machine.isOpen)
        h.feed(clientFrame(0xA))                              // the pong
        h.tick()
        #expect(h.written == [Self.ping, Self.ping] && h.machine.isOpen && h.notices.isEmpty)
    }

    @Test func anyFrameCountsAsALifeSign() {
        let h = opened()
        h.tick()
        h.feed(clientFrame(0x1, utf8("hi")))
        h.tick()
        #expect(h.machine.isOpen && h.written == [Self.ping, Self.ping])
    }

    @Test func silenceForAWholeIntervalAfterAPingClosesWith1001() {
        let h = opened()
        h.tick()
        h.tick()
        #expect(h.notices == [.dropped(.heartbeatTimeout)])
        #expect(h.written == [Self.ping, [0x88, 0x13, 0x03, 0xE9] + utf8("heartbeat timeout")])
        #expect(h.events == ["open", "close"] && !h.inHub && h.closeCodes == [1001])
        #expect(h.machine.state == .finishing(.dropped(.heartbeatTimeout)))
        #expect(h.socket == .closingWhenFlushed && h.timers == [.closeFlush: 5_000])   // a dead peer cannot hold it
        h.tick()
        #expect(h.written.count == 2 && h.closeEvents == 1)   // a closing connection is not ticked
    }

    @Test func aConnectionAlreadyClosingIsNotPinged() {
        let h = opened()
        h.close()
        h.tick()
        h.tick()
        #expect(h.written.count == 1 && h.notices.isEmpty && h.machine.state == .closeSent)
    }

    // MARK: A message parked without progress

    @Test func aFragmentedMessageWithNoDataForAnIntervalClosesWith1008EvenIfThePeerAnswersPings() {
        let h = opened()
        h.feed(rawFrame(0x1, utf8("ab"), fin: false))
        h.tick()                                              // notes the message's progress
        h.feed(clientFrame(0xA))                              // pongs, but no data
        h.tick()
        #expect(h.notices == [.dropped(.messageStalled)])
        #expect(h.written.last == [0x88, 0x1F, 0x03, 0xF0] + utf8("message not completed in time"))
        #expect(h.closeCodes == [1008] && h.events == ["open", "close"])
    }

    @Test func aFrameArrivingSlowlyIsProgressAndAFrameLeftHalfwayIsNot() {
        let h = opened()
        let frame = clientFrame(0x2, [UInt8](repeating: 7, count: 100))
        h.feed(Array(frame[..<50]))
        h.tick()
        h.feed(Array(frame[50..<60]))
        h.tick()
        #expect(h.machine.isOpen && h.notices.isEmpty)
        h.tick()                                              // no byte in the middle of a frame: nothing else can come
        #expect(h.notices == [.dropped(.heartbeatTimeout)] && h.closeEvents == 1)
    }

    @Test func aMessageThatKeepsComingIsNotTimedOut() {
        let h = opened()
        h.feed(rawFrame(0x1, utf8("ab"), fin: false))
        h.tick()
        h.feed(rawFrame(0x0, utf8("cd"), fin: false))
        h.tick()
        h.feed(rawFrame(0x0, utf8("ef")))
        h.tick()
        #expect(h.events == ["open", "message:abcdef"] && h.machine.isOpen && h.notices.isEmpty)
        #expect(h.written == [Self.ping, Self.ping, Self.ping])
    }

    @Test func totalSilenceInsideAMessageIsAHeartbeatTimeout() {
        let h = opened()
        h.feed(rawFrame(0x1, utf8("ab"), fin: false))
        h.tick()
        h.tick()
        #expect(h.notices == [.dropped(.heartbeatTimeout)] && h.closeCodes == [1001])
    }

    // MARK: Rate limit

    @Test func messagesOverTheLimitCloseWith1008AfterThoseBeforeThemAreHandled() {
        let h = opened(rateLimit: WebSocketRateLimit(count: 3, seconds: 1))
        h.feed(clientFrame(0x1, utf8("1")) + clientFrame(0x1, utf8("2")))
        h.feed(clientFrame(0x9, [5]) + clientFrame(0x1, utf8("3")) + clientFrame(0x1, utf8("4")) + clientFrame(0x1, utf8("5")))
        #expect(h.events == ["open", "message:1", "message:2", "message:3", "close"])
        #expect(h.notices == [.dropped(.rateLimited)] && h.closeCodes == [1008])
        #expect(h.written == [[0x8A, 0x01, 5], [0x88, 0x15, 0x03, 0xF0] + utf8("rate limit exceeded")])
        #expect(h.machine.state == .finishing(.dropped(.rateLimited)))
    }

    @Test func aMessageInFragmentsCountsOnceAndControlFramesNotAtAll() {
        let h = opened(rateLimit: WebSocketRateLimit(count: 2, seconds: 1))
        h.feed(rawFrame(0x1, utf8("a"), fin: false) + clientFrame(0x9) + rawFrame(0x0, utf8("b"), fin: false)
               + clientFrame(0xA) + rawFrame(0x0, utf8("c")) + clientFrame(0x2, [1]))
        #expect(h.events == ["open", "message:abc", "binary:1"] && h.machine.isOpen)
    }

    @Test func theBucketRefillsWithTime() {
        let h = opened(rateLimit: WebSocketRateLimit(count: 2, seconds: 1))
        h.feed(clientFrame(0x1, utf8("a")) + clientFrame(0x1, utf8("b")))
        h.advance(500)
        h.feed(clientFrame(0x1, utf8("c")))
        h.advance(499)
        #expect(h.machine.isOpen)
        h.feed(clientFrame(0x1, utf8("d")))
        #expect(h.events == ["open", "message:a", "message:b", "message:c", "close"] && h.closeCodes == [1008])
    }

    @Test func withoutALimitNothingIsCounted() {
        let h = opened()
        h.feed(Array((0..<500).map { _ in clientFrame(0x1, utf8("x")) }.joined()))
        #expect(h.machine.isOpen && h.events.count == 501)
    }

    // MARK: Slow consumer

    @Test func aSlowConsumerIsDroppedAtOnceWithItsCloseFrameTriedOnce() {
        let h = opened()
        h.overflow()
        #expect(h.notices == [.dropped(.slowConsumer)] && h.closeCodes == [1008])
        #expect(h.written == [[0x88, 0x14, 0x03, 0xF0] + utf8("output buffer full")])
        #expect(h.socket == .closed && h.events == ["open", "close"] && !h.inHub)
        #expect(h.machine.state == .gone(.dropped(.slowConsumer)) && h.timers.isEmpty)
        h.overflow()
        #expect(h.closeEvents == 1 && h.notices.count == 1)
    }

    @Test func anOverflowWhileClosingClosesTheSocket() {
        let h = opened()
        h.close()
        h.overflow()
        #expect(h.socket == .closed && h.timers.isEmpty && h.notices.isEmpty && h.closeEvents == 1)
    }

    // MARK: The close code of every connection

    @Test func everyConnectionReportsItsCloseCodeOnce() {
        let peer = opened()
        peer.feed(clientFrame(0x8, closePayload(4001)))
        let empty = opened()
        empty.feed(clientFrame(0x8))
        let eof = opened()
        eof.endOfStream()
        let ours = opened()
        ours.close(.goingAway)
        let broken = opened()
        broken.feed(rawFrame(0x1, utf8("x"), mask: nil))
        #expect([peer, empty, eof, ours, broken].map(\.closeCodes) == [[4001], [1005], [1006], [1001], [1002]])
    }
}

/// The token bucket alone, and `TINA4_WS_RATE_LIMIT`'s syntax.
@Suite struct MessageRateBucketTests {
    @Test func theProtocolOverviewsFigureAllowsAHundredAtOnceThenOneEvery600Milliseconds() throws {
        let limit = try #require(WebSocketRateLimit(parsing: "100/60"))
        var bucket = MessageRateBucket()
        func admit(_ now: UInt64) -> Bool { bucket.admit(now: now, limit) }
        let burst = (0..<100).map { _ in admit(5_000) }
        let results = [admit(5_000), admit(5_599), admit(5_600), admit(5_600), admit(65_000), admit(65_000)]
        #expect(burst.allSatisfy { $0 })
        #expect(results == [false, false, true, false, true, true])
    }

    @Test func theClockWrappingAround32BitsChangesNothing() throws {
        let limit = try #require(WebSocketRateLimit(count: 2, seconds: 1))
        var bucket = MessageRateBucket()
        func admit(_ now: UInt64) -> Bool { bucket.admit(now: now, limit) }
        let start: UInt64 = (1 << 32) - 300
        let results = [admit(start), admit(start), admit(start + 499), admit(start + 500)]   // the last across the wrap
        #expect(results == [true, true, false, true])
        bucket.forgetPast(now: start + 10_000)
        #expect(bucket == MessageRateBucket())                          // full again: back to 0
    }

    @Test(arguments: ["0/60", "100/0", "100/86401", "2001/2", "abc", "100/", "/60", "+1/2", "1/2/3", " 1/2", "1 /2", "99999999999999999999/1"])
    func invalidLimitsAreRefused(text: String) {
        #expect(WebSocketRateLimit(parsing: text) == nil)
    }

    @Test func validLimitsParse() {
        #expect(WebSocketRateLimit(parsing: "100/60")?.description == "100/60")
        #expect(WebSocketRateLimit(parsing: "1/86400") != nil && WebSocketRateLimit(parsing: "2000/2") != nil)
    }
}
