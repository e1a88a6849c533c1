import Testing
@testable import Tina4

/// Every close path of RFC 6455 §7 through the connection machine, with byte vectors and a fake
/// clock (``MachineHarness``): no socket, no real time. Each test also checks that `.close` is
/// delivered exactly once.
@Suite struct WebSocketConnectionMachineTests {
    /// A started server connection (`.open` delivered and returned).
    func opened(closeTimeout: UInt64 = 5_000) -> MachineHarness {
        let h = MachineHarness(closeTimeout: closeTimeout)
        h.start()
        return h
    }

    // MARK: Open and messages

    @Test func startJoinsTheHubAndDeliversOpen() {
        let h = MachineHarness()
        #expect(!h.inHub)
        h.start()
        #expect(h.inHub && h.events == ["open"] && h.machine.state == .open && h.machine.isOpen)
        #expect(h.written.isEmpty && h.timers.isEmpty)
    }

    @Test func messagesArriveInOrderAndPingsAreAnsweredWithTheSamePayload() {
        let h = opened()
        h.feed(clientFrame(0x1, utf8("one")) + clientFrame(0x9, [7, 8]) + clientFrame(0x2, [1, 2, 3]) + clientFrame(0xA, [9]))
        #expect(h.events == ["open", "message:one", "binary:3"])
        #expect(h.written == [[0x8A, 0x02, 7, 8]])              // pong, unmasked, same payload
        #expect(h.pongs == [[9]])                               // a pong reaches no handler
        #expect(h.machine.retainedCapacity == 0)                // idle again: no buffer held
    }

    @Test func aFrameSplitAcrossReadsIsDeliveredOnce() {
        let h = opened()
        let frame = clientFrame(0x1, utf8("hello"))
        h.feed(Array(frame[..<3]))
        #expect(h.events == ["open"])
        h.feed(Array(frame[3...]))
        #expect(h.events == ["open", "message:hello"])
    }

    @Test func applicationFramesAreUnmaskedForAServer() {
        let h = opened()
        #expect(h.machine.encode(text: "hi")?.bytes == [0x81, 0x02, 0x68, 0x69])
        #expect([UInt8]([1, 2]).withUnsafeBytes { h.machine.encode(.binary, payload: $0) }?.bytes == [0x82, 0x02, 1, 2])
    }

    // MARK: The server closes first

    @Test func serverClosesFirstAndTheClientAnswers() {
        let h = opened()
        h.close(.normal, "bye")
        #expect(h.written == [[0x88, 0x05, 0x03, 0xE8] + utf8("bye")])
        #expect(!h.inHub && !h.machine.isOpen && h.machine.state == .closeSent)
        #expect(h.events == ["open", "close"])                  // .close on leaving open
        #expect(h.timers == [.closeHandshake: 5_000])
        #expect(h.machine.encode(text: "late") == nil)         // sends are dropped once closing
        h.feed(clientFrame(0x8, closePayload(1000)))
        #expect(h.written.count == 1)                           // no second close frame
        #expect(h.timers == [.closeFlush: 5_000] && h.socket == .closingWhenFlushed)
        #expect(h.machine.state == .finishing(.closeReceived(code: 1000, reason: "")))
        h.flushed()
        #expect(h.socket == .closed && h.timers.isEmpty && h.machine.state == .gone(.closeReceived(code: 1000, reason: "")))
        #expect(h.closeEvents == 1)
    }

    @Test func messagesAndPingsAfterOurCloseAreNotHandled() {
        let h = opened()
        h.close()
        h.feed(clientFrame(0x1, utf8("late")) + clientFrame(0x9, [1]) + clientFrame(0x8, closePayload(1000)))
        #expect(h.events == ["open", "close"])
        #expect(h.written.count == 1)                           // only our close frame: no pong
        #expect(h.socket == .closingWhenFlushed && h.closeEvents == 1)
    }

    @Test func closeTimeoutDropsTheConnection() {
        let h = opened(closeTimeout: 200)
        h.close(.goingAway, "")
        h.advance(199)
        #expect(h.socket == .open && h.machine.state == .closeSent)
        h.advance(1)
        #expect(h.socket == .closed && h.machine.state == .gone(.closeTimedOut))
        #expect(h.notices == [.closeTimedOut(milliseconds: 200)])
        #expect(h.closeEvents == 1 && h.timers.isEmpty)
    }

    @Test func closeTwiceSendsOneCloseFrame() {
        let h = opened()
        h.close(.normal, "a")
        h.close(.goingAway, "b")
        #expect(h.written.count == 1 && h.closeEvents == 1)
    }

    // MARK: The client closes first

    @Test(arguments: [UInt16(1000), 1001, 3000, 4999])
    func clientClosesFirstAndItsCodeIsEchoed(code: UInt16) {
        let h = opened()
        h.feed(clientFrame(0x8, closePayload(code, "done")))
        #expect(h.written == [[0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)]])
        #expect(!h.inHub && h.events == ["open", "close"] && h.socket == .closingWhenFlushed)
        #expect(h.machine.state == .finishing(.closeReceived(code: code, reason: "done")))
        #expect(h.timers == [.closeFlush: 5_000])
        h.flushed()
        #expect(h.socket == .closed && h.timers.isEmpty && h.closeEvents == 1)
    }

    @Test func anEmptyCloseIsAnsweredWithAnEmptyClose() {
        let h = opened()
        h.feed(clientFrame(0x8))
        #expect(h.written == [[0x88, 0x00]])
        #expect(h.machine.state == .finishing(.closeReceived(code: nil, reason: "")))
        #expect(h.closeEvents == 1)
    }

    @Test func repliesQueuedBeforeThePeersCloseGoOutBeforeTheEcho() {
        let h = opened()
        h.handler = { h, event, data in
            if event == .message, let frame = h.machine.encode(text: "re:" + data.text) { h.written.append(frame.bytes) }
            return false
        }
        h.feed(clientFrame(0x1, utf8("q")) + clientFrame(0x8, closePayload(1000)))
        #expect(h.written == [[0x81, 0x04] + utf8("re:q"), [0x88, 0x02, 0x03, 0xE8]])
        #expect(h.events == ["open", "message:q", "close"])
    }

    @Test func aPeerThatNeverTakesTheEchoIsDroppedAfterTheTimeout() {
        let h = opened(closeTimeout: 50)
        h.feed(clientFrame(0x8, closePayload(1000)))
        h.advance(50)
        #expect(h.socket == .closed && h.notices == [.flushTimedOut(milliseconds: 50)])
        #expect(h.machine.state == .gone(.flushTimedOut) && h.closeEvents == 1)
    }

    // MARK: Simultaneous close

    @Test func simultaneousCloseCompletesWithOneFrameEachWay() {
        let h = opened()
        h.close(.normal, "")
        // The client sent its close before it saw ours: it arrives as the answer.
        h.feed(clientFrame(0x8, closePayload(1001)))
        #expect(h.written == [[0x88, 0x02, 0x03, 0xE8]])
        #expect(h.machine.state == .finishing(.closeReceived(code: 1001, reason: "")))
        #expect(h.timers == [.closeFlush: 5_000] && h.closeEvents == 1)
        h.flushed()
        #expect(h.socket == .closed)
    }

    @Test func bothClosesInOneTurnWhileAHandlerRuns() {
        let h = opened()
        h.handler = { h, event, _ in
            if event == .message { h.close(.normal, "") }
            return false
        }
        h.feed(clientFrame(0x1, utf8("x")) + clientFrame(0x8, closePayload(1000)))
        #expect(h.events == ["open", "message:x", "close"])
        #expect(h.written == [[0x88, 0x02, 0x03, 0xE8]])       // ours only; theirs is the answer
        #expect(h.socket == .closingWhenFlushed && h.closeEvents == 1)
    }

    // MARK: Protocol errors

    @Test func aProtocolErrorSendsItsCodeAndClosesWithoutWaiting() {
        let h = opened()
        h.feed(serverFrame(0x1, utf8("unmasked")))
        #expect(h.written == [[0x88, UInt8(2 + 26), 0x03, 0xEA] + utf8("client frame is not masked")])
        #expect(h.notices == [.protocolViolation(WebSocketProtocolError(code: .protocolError, reason: "client frame is not masked"))])
        #expect(h.events == ["open", "close"] && !h.inHub && h.socket == .closingWhenFlushed)
        #expect(h.timers == [.closeFlush: 5_000])
        h.feed(clientFrame(0x1, utf8("ignored")))
        #expect(h.events == ["open", "close"] && h.closeEvents == 1)
    }

    @Test func eventsBeforeAViolationInTheSameReadAreHandledFirst() {
        let h = opened()
        h.feed(clientFrame(0x1, utf8("first")) + clientFrame(0x9, [5]) + [0x81, 0x05] + utf8("bad!!"))
        #expect(h.events == ["open", "message:first", "close"])
        #expect(h.written.first == [0x8A, 0x01, 5])             // the pong, then the close
        #expect(h.written.last?.prefix(4) == [0x88, UInt8(2 + 26), 0x03, 0xEA])
        #expect(h.closeEvents == 1)
    }

    @Test func invalidUTF8Closes1007AndAnOversizedMessage1009() {
        let h = opened()
        h.feed(clientFrame(0x1, [0xC3, 0x28]))
        #expect(h.written.last?.prefix(4) == [0x88, h.written.last![1], 0x03, 0xEF])
        let small = MachineHarness(maxMessageBytes: 4)
        small.start()
        small.feed(clientFrame(0x2, [1, 2, 3, 4, 5]))
        #expect(small.written.last?.prefix(4) == [0x88, small.written.last![1], 0x03, 0xF1])
        #expect(h.closeEvents == 1 && small.closeEvents == 1)
    }

    @Test func aViolationAfterOurCloseEndsTheConnectionWithoutAnotherFrame() {
        let h = opened()
        h.close()
        h.feed([0x81, 0x01, 0x41])                              // unmasked
        #expect(h.written.count == 1)
        #expect(h.machine.state == .finishing(.violation(WebSocketProtocolError(code: .protocolError, reason: "client frame is not masked"))))
        #expect(h.timers == [.closeFlush: 5_000] && h.closeEvents == 1)
    }

    // MARK: End of stream

    @Test func endOfStreamWhileOpenIs1006WithNoCloseFrame() {
        let h = opened()
        h.endOfStream()
        #expect(h.written.isEmpty && h.notices == [.endOfStreamWithoutClose])
        #expect(h.events == ["open", "close"] && !h.inHub)
        #expect(h.socket == .closingWhenFlushed && h.machine.state == .finishing(.endOfStream))
        h.endOfStream()
        h.flushed()
        #expect(h.socket == .closed && h.timers.isEmpty && h.closeEvents == 1)
    }

    @Test func endOfStreamAfterOurCloseFinishesTheConnection() {
        let h = opened()
        h.close()
        h.endOfStream()
        #expect(h.timers == [.closeFlush: 5_000] && h.socket == .closingWhenFlushed)
        #expect(h.machine.state == .finishing(.endOfStream) && h.closeEvents == 1)
    }

    @Test func endOfStreamAfterThePeersCloseChangesNothing() {
        let h = opened()
        h.feed(clientFrame(0x8, closePayload(1000)))
        h.endOfStream()
        #expect(h.written.count == 1 && h.machine.state == .finishing(.closeReceived(code: 1000, reason: "")))
        #expect(h.closeEvents == 1)
    }

    // MARK: The socket goes away

    @Test func socketGoneWhileOpenDeliversCloseOnce() {
        let h = opened()
        h.socketGone()
        #expect(h.notices == [.lostWithoutClose] && h.events == ["open", "close"] && !h.inHub)
        #expect(h.machine.state == .gone(.socketGone))
        h.socketGone()
        h.endOfStream()
        h.close()
        h.advance(10_000)
        #expect(h.written.isEmpty && h.closeEvents == 1)
    }

    @Test func socketGoneAfterOurCloseCancelsTheCloseTimer() {
        let h = opened()
        h.close()
        h.socketGone()
        #expect(h.timers.isEmpty && h.machine.state == .gone(.socketGone) && h.closeEvents == 1)
    }

    @Test func staleTimersDoNothing() {
        let h = opened()
        #expect(h.machine.timerFired(.closeHandshake).isEmpty)
        #expect(h.machine.timerFired(.closeFlush).isEmpty)
        h.feed(clientFrame(0x8, closePayload(1000)))
        #expect(h.machine.timerFired(.closeHandshake).isEmpty)
        #expect(h.socket == .closingWhenFlushed)
    }

    // MARK: Handlers

    @Test func closeRequestedInsideAHandlerFiresCloseWhenThatHandlerReturns() {
        let h = opened()
        h.handler = { h, event, _ in
            if event == .message {
                h.close(.normal, "from handler")
                #expect(!h.inHub && h.closeEvents == 0)   // out of the hub at once, .close not yet
            }
            return false
        }
        h.feed(clientFrame(0x1, utf8("a")) + clientFrame(0x1, utf8("b")))
        #expect(h.log == ["open", "returned", "message:a", "returned", "close", "returned"])
        #expect(h.written == [[0x88, 0x0E, 0x03, 0xE8] + utf8("from handler")])   // b is not handled
        #expect(h.machine.state == .closeSent && h.closeEvents == 1)
    }

    @Test func closeRequestedInsideOpenFiresAfterOpenReturns() {
        let h = MachineHarness()
        h.handler = { h, event, _ in
            if event == .open { h.close(.policyViolation, "no token") }
            return false
        }
        h.start()
        #expect(h.log == ["open", "returned", "close", "returned"])
        #expect(h.written == [[0x88, 0x0A, 0x03, 0xF0] + utf8("no token")])
        h.feed(clientFrame(0x1, utf8("too late")) + clientFrame(0x8, closePayload(1008)))
        #expect(h.events == ["open", "close"] && h.socket == .closingWhenFlushed)
    }

    @Test func aThrowingHandlerClosesWith1011AndCloseFiresOnce() {
        let h = opened()
        h.handler = { _, event, _ in event == .message }
        h.feed(clientFrame(0x1, utf8("boom")) + clientFrame(0x1, utf8("after")))
        #expect(h.written == [[0x88, 0x10, 0x03, 0xF3] + utf8("internal error")])
        #expect(h.events == ["open", "message:boom", "close"] && h.machine.state == .closeSent)
        #expect(h.timers == [.closeHandshake: 5_000])
    }

    @Test func aHandlerThrowingOnCloseChangesNothing() {
        let h = opened()
        h.handler = { _, event, _ in event == .close }
        h.feed(clientFrame(0x8, closePayload(1000)))
        #expect(h.written.count == 1 && h.closeEvents == 1)
        #expect(h.machine.state == .finishing(.closeReceived(code: 1000, reason: "")))
    }

    @Test func theSocketGoingAwayInsideAHandlerDefersCloseUntilItReturns() {
        let h = opened()
        h.handler = { h, event, _ in
            if event == .message { h.socketGone() }
            return false
        }
        h.feed(clientFrame(0x1, utf8("x")) + clientFrame(0x1, utf8("y")))
        #expect(h.log == ["open", "returned", "message:x", "returned", "close", "returned"])
        #expect(h.closeEvents == 1)
    }

    // MARK: Client role

    func client() -> MachineHarness {
        let h = MachineHarness(role: .client(maskKey: { 0x4433_2211 }))   // wire bytes 11 22 33 44
        h.start()
        return h
    }

    @Test func aClientMasksWhatItSendsWithTheInjectedKey() {
        let h = client()
        #expect(h.machine.encode(text: "hi")?.bytes == [0x81, 0x82, 0x11, 0x22, 0x33, 0x44, 0x68 ^ 0x11, 0x69 ^ 0x22])
        #expect(h.machine.ping([1])?.bytes == [0x89, 0x81, 0x11, 0x22, 0x33, 0x44, 1 ^ 0x11])
        h.feed(serverFrame(0x9, [5, 6]))
        #expect(h.written == [[0x8A, 0x82, 0x11, 0x22, 0x33, 0x44, 5 ^ 0x11, 6 ^ 0x22]])
    }

    @Test func aClientRequiresUnmaskedFrames() {
        let h = client()
        h.feed(serverFrame(0x1, utf8("ok")) + clientFrame(0x1, utf8("masked")))
        #expect(h.events == ["open", "message:ok", "close"])
        let reason = utf8("server frame is masked")
        let payload = closePayload(1002) + reason
        let key: [UInt8] = [0x11, 0x22, 0x33, 0x44]
        let masked: [UInt8] = payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        let expected: [UInt8] = [0x88, 0x80 | UInt8(payload.count)] + key + masked
        #expect(h.written == [expected])
        #expect(h.machine.state == .finishing(.violation(WebSocketProtocolError(code: .protocolError, reason: "server frame is masked"))))
    }

    @Test func aClientEchoesTheServersCloseMasked() {
        let h = client()
        h.feed(serverFrame(0x8, closePayload(1001, "restart")))
        #expect(h.written == [[0x88, 0x82, 0x11, 0x22, 0x33, 0x44, 0x03 ^ 0x11, 0xE9 ^ 0x22]])
        #expect(h.machine.state == .finishing(.closeReceived(code: 1001, reason: "restart")) && h.closeEvents == 1)
    }

    @Test func aClientClosingFirstWaitsForTheServersClose() {
        let h = client()
        h.close(.normal, "")
        #expect(h.written == [[0x88, 0x82, 0x11, 0x22, 0x33, 0x44, 0x03 ^ 0x11, 0xE8 ^ 0x22]])
        h.feed(serverFrame(0x8, closePayload(1000)))
        #expect(h.written.count == 1 && h.machine.state == .finishing(.closeReceived(code: 1000, reason: "")))
        #expect(h.closeEvents == 1)
    }
}
