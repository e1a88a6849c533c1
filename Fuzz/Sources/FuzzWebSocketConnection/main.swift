// The WebSocket connection machine (Sources/Tina4/WebSocket/WebSocketConnectionMachine.swift),
// server role, driven like WebSocketSession drives it. The input is a program: the first byte
// picks the permessage-deflate settings (bit 0 on, bit 1 no context takeover, bit 2 a 2^9
// window), then each operation is a byte, `op & 15`:
//   0-7   read: the next byte is a length n, the n bytes after it arrive from the socket
//   8     the application closes (1000)       9   the earliest armed timer fires
//   10    end of stream                       11  the socket goes away
//   12    the socket flushed what was queued  13  the next handler throws
//   14    the next handler closes (1001)      15  the rest of the program arrives as one read
// Invariants: `.open` comes first, `.close` exactly once (after the socket goes, at the latest)
// and nothing after it; a `.deliver` is the last action of its list; the hub is joined once
// and left before `.close`; a gone machine writes nothing; the input buffers stay bounded.
import FuzzSupport
@testable import Tina4

typealias Machine = WebSocketConnectionMachine

let maxMessageBytes = 4096

final class Driver {
    var machine: Machine
    var timers: [Machine.TimerKind] = []
    var closingWhenFlushed = false
    var socketClosed = false
    var joins = 0, leaves = 0, opens = 0, closes = 0
    var nextHandlerThrows = false
    var nextHandlerCloses = false

    init(deflate: PerMessageDeflate.Direction?) {
        machine = Machine(role: .server, maxMessageBytes: maxMessageBytes, closeTimeoutMilliseconds: 5_000, perMessageDeflate: deflate)
    }

    var isGone: Bool { if case .gone = machine.state { true } else { false } }

    func perform(_ first: [Machine.Action]) {
        var actions = first
        while !actions.isEmpty {
            let wasGone = isGone
            var delivered: WebSocketEvent?
            for (index, action) in actions.enumerated() {
                if case .deliver(let event, _) = action {
                    invariant(index == actions.count - 1, "a deliver is not the last action")
                    delivered = event
                } else if case .join = action {
                    joins += 1
                    invariant(joins == 1, "joined the hub twice")
                } else if case .leave = action {
                    leaves += 1
                    invariant(joins == 1 && leaves == 1 && closes == 0, "left the hub without joining, twice, or after .close")
                } else if case .write = action {
                    invariant(!wasGone, "a gone connection writes")
                } else if case .arm(let kind, _) = action {
                    timers.removeAll { $0 == kind }
                    timers.append(kind)
                } else if case .cancel(let kind) = action {
                    timers.removeAll { $0 == kind }
                } else if case .closeWhenFlushed = action {
                    closingWhenFlushed = true
                } else if case .closeNow = action {
                    if !socketClosed { socketGone() }
                }
            }
            guard let event = delivered else { return }
            invariant(closes == 0, "an event after .close")
            switch event {
            case .open:
                opens += 1
                invariant(opens == 1, ".open twice")
            case .message:
                invariant(opens == 1, "a message before .open")
            case .close:
                closes += 1
                invariant(leaves == 1, ".close before leaving the hub")
            }
            // The handler runs now.
            var fromHandler: [Machine.Action] = []
            if nextHandlerCloses, event != .close {
                nextHandlerCloses = false
                fromHandler = machine.close(code: .goingAway, reason: "handler closed")
            }
            let threw = nextHandlerThrows && event != .close
            if threw { nextHandlerThrows = false }
            actions = fromHandler + machine.handlerReturned(threw: threw)
            invariant(!fromHandler.contains { if case .deliver = $0 { true } else { false } }, "close() inside a handler delivered")
        }
    }

    func socketGone() {
        socketClosed = true
        timers = []
        perform(machine.socketGone())
    }
}

runFuzzer { bytes in
    guard let config = bytes.first else { return }
    let deflate = config & 1 == 0 ? nil
        : PerMessageDeflate.Direction(maxWindowBits: config & 4 == 0 ? 15 : 9, noContextTakeover: config & 2 != 0)
    let driver = Driver(deflate: deflate)
    driver.perform(driver.machine.start())
    var index = 1
    while index < bytes.count {
        let op = bytes[index] & 15
        index += 1
        switch op {
        case 0...7, 15:
            var length = bytes.count - index
            if op != 15, index < bytes.count {
                length = min(Int(bytes[index]), bytes.count - index - 1)
                index += 1
            }
            let read = UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)])
            index += length
            if !driver.socketClosed { driver.perform(driver.machine.received(read)) }
        case 8: driver.perform(driver.machine.close(code: .normal, reason: ""))
        case 9:
            if !driver.timers.isEmpty { driver.perform(driver.machine.timerFired(driver.timers.removeFirst())) }
        case 10: if !driver.socketClosed { driver.perform(driver.machine.inputEnded()) }
        case 11: if !driver.socketClosed { driver.socketGone() }
        case 12: if driver.closingWhenFlushed, !driver.socketClosed { driver.socketGone() }
        case 13: driver.nextHandlerThrows = true
        default: driver.nextHandlerCloses = true
        }
        invariant(driver.machine.retainedCapacity <= 3 * maxMessageBytes + 4096,
                  "the machine holds \(driver.machine.retainedCapacity) bytes for input")
    }
    if !driver.socketClosed { driver.socketGone() }
    invariant(driver.isGone, "the socket went but the machine is \(driver.machine.state)")
    invariant(driver.opens == 1 && driver.closes == 1, ".open \(driver.opens) times, .close \(driver.closes) times")
    invariant(driver.leaves == 1, "left the hub \(driver.leaves) times")
}
