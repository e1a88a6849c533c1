/// Where it is decided that a WebSocket connection closes: the whole life of one connection
/// (RFC 6455 §5.5, §7) as a value. Inputs go in (bytes read, the application's close, a handler
/// returning, a timer firing, end of stream, the socket going away); actions come out (write
/// these bytes, deliver this event, arm or cancel this timer, close the socket). It does no
/// I/O and reads no clock, so every close path is unit-tested with byte vectors; the server's
/// ``WebSocketSession`` and the blocking ``WebSocketClient`` are thin drivers of it.
///
/// ```text
///                 close(code:), handler threw (1011)
///   open ──────────────────────────────────────────────▶ closeSent
///    │                                                       │
///    │ peer close (its code echoed),                         │ peer close, EOF,
///    │ protocol error (close frame with its code),           │ protocol error
///    │ a drop: heartbeat 1001, stalled message or rate 1008, │
///    │ EOF (1006, no frame)                                  │
///    ▼                                                       │
///   finishing ◀──────────────────────────────────────────────┘
///    │
///    │ socket closed once flushed, or timer .closeFlush (closed at once)
///    ▼
///   gone ◀── also from open or closeSent when the socket goes (1006 if open),
///            from closeSent on timer .closeHandshake (closed at once),
///            and from any state on output overflow (open: slow consumer, 1008 tried once)
/// ```
///
/// Leaving `open` emits `.leave` (out of the hub: hub membership *is* being open) and then the
/// `.close` event, exactly once; if a handler of this connection is running, `.close` waits
/// until ``handlerReturned(threw:)``. A `.deliver` is always the last action of its list: the
/// driver runs the handler, then calls ``handlerReturned(threw:)`` for what comes next (the
/// remaining events of the same read, in order, then a violation that followed them).
///
/// ```swift
/// var machine = WebSocketConnectionMachine(role: .server, maxMessageBytes: 1 << 20, closeTimeoutMilliseconds: 5000)
/// var actions = machine.start()                       // [.join, .deliver(.open, .empty)]
/// // … run the handler, then:
/// actions = machine.handlerReturned(threw: false)     // []
/// actions = bytes.withUnsafeBytes { machine.received($0) }   // e.g. [.deliver(.message, "hi")]
/// ```
///
/// permessage-deflate (RFC 7692): the agreed client → server settings (`perMessageDeflate`)
/// go into the decoder options the machine builds (`decoderOptions`), so the decoder accepts
/// RSV1 and inflates; a decoder holding an inflater's context between messages is kept like a
/// partial one. Outgoing compression is the connection's (`WebSocketConnection.send`,
/// ``BroadcastFrames``): control frames and this machine's own frames are never compressed.
/// Liveness and limits (the server's; a client never calls these): ``heartbeatTick(ping:now:)``
/// is the heartbeat's input, one server-wide tick per interval (no timer per connection): a
/// connection that sent nothing since the previous tick is dropped with 1001, a message left
/// half-received with no data since the previous tick with 1008, and otherwise it is pinged.
/// ``received(_:rateLimit:now:)`` counts messages against a ``WebSocketRateLimit`` (1008), and
/// ``outputOverflowed()`` is the slow consumer (1008, best effort). Each of them is one
/// ``DropReason``, reported once as ``Notice/dropped(_:)``.
///
/// ```text
///   heartbeat tick:  nothing heard since the last tick ──▶ drop 1001 "heartbeat timeout"
///                    a message in progress, no data since the last tick ──▶ drop 1008
///                    otherwise ──▶ write the ping, forget what was heard
///   drop: the close frame, then finishing (as a protocol error); a slow consumer goes to
///         gone at once (`.abort`: the close frame is tried once, the socket closed)
/// ```
/// A negotiated subprotocol is data the driver keeps.
struct WebSocketConnectionMachine {
    /// Which end this is: a server requires masked frames and sends unmasked ones; a client
    /// requires unmasked frames and masks each frame it sends with a fresh key from `maskKey`.
    enum Role {
        case server
        case client(MaskKeys)

        /// The client role with `maskKey` as its source of masking keys.
        static func client(maskKey: @escaping () -> UInt32) -> Role { .client(MaskKeys(maskKey)) }
    }

    /// Where a client's masking keys come from (one pointer in the machine, so the server pays
    /// nothing for it).
    final class MaskKeys {
        let next: () -> UInt32
        init(_ next: @escaping () -> UInt32) { self.next = next }
    }

    /// The timers a connection may hold; each is armed by one state and cancelled on leaving it.
    enum TimerKind: Sendable, Equatable {
        /// `closeSent`: how long the peer has to answer our close frame.
        case closeHandshake
        /// `finishing`: how long the peer has to take our last bytes.
        case closeFlush
    }

    /// Why the server dropped a connection that broke none of the protocol's rules but one of
    /// its limits: each is reported once, as ``Notice/dropped(_:)`` (where the session logs it).
    enum DropReason: Sendable, Equatable, CaseIterable {
        /// Nothing at all (no pong, no frame) arrived for a whole heartbeat interval after a ping.
        case heartbeatTimeout
        /// A frame or fragmented message was started and none of its data came for a whole interval.
        case messageStalled
        /// More than the output cap waited to be written: the client is not reading.
        case slowConsumer
        /// More messages than the connection's ``WebSocketRateLimit`` allows.
        case rateLimited

        /// The close code sent: 1001 for a peer that seems gone, 1008 for a limit broken.
        var code: WebSocketCloseCode { self == .heartbeatTimeout ? .goingAway : .policyViolation }

        /// The close frame's reason.
        var reason: String {
            switch self {
            case .heartbeatTimeout: "heartbeat timeout"
            case .messageStalled: "message not completed in time"
            case .slowConsumer: "output buffer full"
            case .rateLimited: "rate limit exceeded"
            }
        }
    }

    /// Why the connection ended.
    enum Ending: Sendable, Equatable {
        /// The server dropped the connection (its close frame went out, or was tried).
        case dropped(DropReason)
        /// The peer's close frame (its code, nil for an empty payload), first or in answer to ours.
        case closeReceived(code: UInt16?, reason: String)
        /// The peer broke the protocol; the close frame with `error.code` went out if we were open.
        case violation(WebSocketProtocolError)
        /// The peer ended its stream without a close frame (after ours, or at all: 1006).
        case endOfStream
        /// Our close frame was not answered in time.
        case closeTimedOut
        /// Our last bytes were not taken in time.
        case flushTimedOut
        /// The socket went away under us (write error, reset, server stopped).
        case socketGone
    }

    enum State: Sendable, Equatable {
        /// Messages flow both ways.
        case open
        /// Our close frame is out; waiting for the peer's (``TimerKind/closeHandshake`` armed).
        case closeSent
        /// Nothing more to say or hear; the socket closes once flushed (``TimerKind/closeFlush`` armed).
        case finishing(Ending)
        /// The socket is closed.
        case gone(Ending)
    }

    /// Things worth a log line; the driver words them (it knows the connection's name).
    enum Notice: Sendable, Equatable {
        case protocolViolation(WebSocketProtocolError)
        /// EOF while open: 1006 locally, no close frame is sent.
        case endOfStreamWithoutClose
        /// The socket went away while open: 1006 locally.
        case lostWithoutClose
        case closeTimedOut(milliseconds: UInt64)
        case flushTimedOut(milliseconds: UInt64)
        /// A frame header arrived (only with `reportsFrames`).
        case frameReceived(WebSocketFrameSummary)
        /// A limit closed the connection: the one place every drop goes through.
        case dropped(DropReason)
        /// The connection stopped being open, with this close code (the peer's or ours; 1006
        /// when no close frame went either way; 1005 for an empty close payload). Once per
        /// connection, just before `.leave`.
        case closed(code: UInt16)
    }

    enum Action {
        /// Enter the hub: the connection now counts as open and receives broadcasts.
        case join
        /// Leave the hub: the connection is no longer open (it happens before `.close` is delivered).
        case leave
        /// Queue these bytes on the socket.
        case write(OutgoingBytes)
        /// Run the handler with this event, then call ``handlerReturned(threw:)``. Always last.
        case deliver(WebSocketEvent, WebSocketData)
        /// A pong arrived (the client API returns it; the server ignores it).
        case pong([UInt8])
        case arm(TimerKind, milliseconds: UInt64)
        case cancel(TimerKind)
        /// Close the socket once what is queued is written.
        case closeWhenFlushed
        /// Close the socket now, dropping what is queued.
        case closeNow
        /// Close the socket now, dropping what is queued (but the rest of a frame partly
        /// written), after one attempt to write these bytes: the slow consumer's close frame.
        case abort(OutgoingBytes)
        case notice(Notice)
    }

    /// Whether a handler of this connection is running: a `.close` due while it runs waits for it.
    private enum Handler { case idle, running, runningCloseDue }

    // Laid out for the idle case (a few dozen bytes): the decoder lives in a box only while a
    // frame or message is partly received; between messages a fresh one carries on identically.
    private(set) var state = State.open
    /// Events of the last read not handled yet (a handler is running); empty, with no heap, otherwise.
    private var inbox: [WebSocketFrameEvent] = []
    /// The decoder of a frame or message in progress (or of the violation it found); nil between messages.
    private var partial: DecoderBox?
    let role: Role
    /// ``maxMessageBytes`` in 32 bits (the setting stops at 1 GiB): the 4 bytes this saves hold
    /// `rateBucket`, so the heartbeat and the rate limit cost an idle connection nothing.
    private let maxMessage: UInt32
    private let closeTimeout: UInt32
    private var inboxNext: UInt32 = 0
    /// The connection's message rate bucket (4 bytes; unused when no limit is set).
    private var rateBucket = MessageRateBucket()
    private var handler = Handler.idle
    /// Heartbeat and rate-limit bits (1 byte, after `handler`).
    private var flags = Flags.heard
    /// permessage-deflate's client → server settings when negotiated (2 bytes, after `flags`:
    /// with them the machine is 68 bytes, and the connection object 240).
    let perMessageDeflate: PerMessageDeflate.Direction?

    /// Largest message accepted, summed over its fragments (after inflating).
    var maxMessageBytes: Int { Int(maxMessage) }

    private struct Flags: OptionSet {
        let rawValue: UInt8
        /// Bytes arrived since the last heartbeat tick (set at the start: the handshake counts).
        static let heard = Flags(rawValue: 1)
        /// A message of the last read went over the rate limit: the drop follows the messages before it.
        static let overRateLimit = Flags(rawValue: 2)
        /// The driver counts this connection's messages (it passes a rate limit with each read).
        static let rateLimited = Flags(rawValue: 4)
        /// Every frame header received is a ``Notice/frameReceived(_:)`` (debug logging).
        static let reportsFrames = Flags(rawValue: 8)
    }

    /// A decoder kept across reads.
    private final class DecoderBox {
        var decoder: WebSocketFrameDecoder
        /// `decoder.dataProgress` at the last heartbeat tick (nil: no tick saw this box yet).
        var progressAtTick: UInt32?
        init(_ decoder: WebSocketFrameDecoder, progressAtTick: UInt32? = nil) {
            self.decoder = decoder
            self.progressAtTick = progressAtTick
        }
    }

    /// `perMessageDeflate`: the inbound (peer → us) settings of an agreed permessage-deflate.
    /// `rateLimited` only marks the connection for its driver, which then passes the limit and
    /// the time with each read (``received(_:rateLimit:now:)``); `reportsFrames` reports every
    /// frame header received (for debug log lines; off, it costs one test per frame).
    init(role: Role, maxMessageBytes: Int, closeTimeoutMilliseconds: UInt64,
         perMessageDeflate: PerMessageDeflate.Direction? = nil, rateLimited: Bool = false, reportsFrames: Bool = false) {
        if rateLimited { flags.insert(.rateLimited) }
        if reportsFrames { flags.insert(.reportsFrames) }
        self.role = role
        self.perMessageDeflate = perMessageDeflate
        maxMessage = UInt32(clamping: maxMessageBytes)
        closeTimeout = UInt32(clamping: closeTimeoutMilliseconds)
    }

    /// How long the peer has to answer our close frame, or to take our last bytes.
    var closeTimeoutMilliseconds: UInt64 { UInt64(closeTimeout) }

    /// Whether the driver should pass the server's rate limit with each read.
    var isRateLimited: Bool { flags.contains(.rateLimited) }

    /// True until the connection starts closing; sends are dropped after that.
    var isOpen: Bool { state == .open }

    /// Heap bytes held for input (0 between messages: no decoder buffer, no event list).
    var retainedCapacity: Int { (partial?.decoder.retainedCapacity ?? 0) &+ inbox.capacity }

    private var decoderOptions: WebSocketDecoderOptions {
        let isServer = if case .server = role { true } else { false }
        return WebSocketDecoderOptions(maxMessageBytes: maxMessageBytes, requireMaskedFrames: isServer,
                                       perMessageDeflate: perMessageDeflate, recordsFrames: flags.contains(.reportsFrames))
    }

    /// Decodes with the kept decoder, or a fresh one; keeps it only if something is left partial.
    private mutating func decode(_ bytes: UnsafeRawBufferPointer) -> WebSocketDecodeResult {
        if var box = partial {
            partial = nil
            if !isKnownUniquelyReferenced(&box) { box = DecoderBox(box.decoder, progressAtTick: box.progressAtTick) }   // a copied machine keeps value semantics
            partial = box
            let result = box.decoder.decode(bytes)
            if result.error == nil && box.decoder.isBetweenMessages { partial = nil }
            return result
        }
        var decoder = WebSocketFrameDecoder(options: decoderOptions)
        let result = decoder.decode(bytes)
        if result.error != nil || !decoder.isBetweenMessages { partial = DecoderBox(decoder) }
        return result
    }

    // MARK: Inputs

    /// The handshake is done: join the hub and deliver `.open`. Called once, first (the client
    /// role skips it: it has no hub and no handler).
    mutating func start() -> [Action] {
        guard state == .open, handler == .idle else { return [] }
        handler = .running
        return [.join, .deliver(.open, .empty)]
    }

    /// Bytes read from the socket: handles the events they complete, in order, and only then a
    /// violation that followed them in the same read. With a `rateLimit`, each message takes a
    /// token at `now` (milliseconds); the first one refused is dropped with those after it, and
    /// the connection with it (1008), once the messages before it are handled.
    mutating func received(_ bytes: UnsafeRawBufferPointer, rateLimit: WebSocketRateLimit? = nil, now: UInt64 = 0) -> [Action] {
        switch state {
        case .open, .closeSent: break
        case .finishing, .gone: return []
        }
        flags.insert(.heard)
        var result = decode(bytes)
        if let rateLimit, state == .open { admit(&result.events, rateLimit, now: now) }
        if inbox.isEmpty { inbox = result.events } else { inbox += result.events }
        var actions: [Action] = result.frames.map { .notice(.frameReceived($0)) }
        drain(&actions)
        return actions
    }

    /// The handler delivered last has returned (`threw`: it threw, which closes with 1011).
    mutating func handlerReturned(threw: Bool) -> [Action] {
        var actions: [Action] = []
        if threw, state == .open { startClose(code: .internalError, reason: "internal error", &actions) }
        let closeDue = handler == .runningCloseDue
        handler = .idle
        if closeDue {
            deliverClose(&actions)
        } else {
            drain(&actions)
        }
        return actions
    }

    /// The application closes (`code` must be valid on the wire): our close frame goes out and
    /// the peer has ``closeTimeoutMilliseconds`` to answer. Ignored unless open.
    mutating func close(code: WebSocketCloseCode, reason: String) -> [Action] {
        var actions: [Action] = []
        if state == .open { startClose(code: code, reason: reason, &actions) }
        return actions
    }

    /// The peer sent EOF: it sends nothing more but may still read, so what is queued (replies
    /// to its last messages, the echo of its close frame) is written before the socket closes.
    mutating func inputEnded() -> [Action] {
        var actions: [Action] = []
        switch state {
        case .open:
            actions.append(.notice(.endOfStreamWithoutClose))
            finish(.endOfStream, &actions)
            leaveOpen(code: WebSocketCloseCode.abnormal.rawValue, &actions)
        case .closeSent:
            actions.append(.cancel(.closeHandshake))
            finish(.endOfStream, &actions)
        case .finishing, .gone:
            break
        }
        return actions
    }

    /// A timer armed by this machine fired; a stale one (its state already left) does nothing.
    mutating func timerFired(_ kind: TimerKind) -> [Action] {
        switch (state, kind) {
        case (.closeSent, .closeHandshake):
            state = .gone(.closeTimedOut)
            return [.notice(.closeTimedOut(milliseconds: closeTimeoutMilliseconds)), .closeNow]
        case (.finishing, .closeFlush):
            state = .gone(.flushTimedOut)
            return [.notice(.flushTimedOut(milliseconds: closeTimeoutMilliseconds)), .closeNow]
        default:
            return []
        }
    }

    /// The heartbeat's tick (every interval, for every connection): drops one that sent nothing
    /// since the last tick (1001), or whose message in progress got no data since then (1008);
    /// otherwise queues `ping` (one frame the server encoded for all) and starts listening anew.
    /// Only an open connection is concerned (a closing one has its own timer).
    mutating func heartbeatTick(ping: OutgoingBytes, now: UInt64 = 0) -> [Action] {
        guard state == .open else { return [] }
        var actions: [Action] = []
        if !flags.contains(.heard) {
            drop(.heartbeatTimeout, &actions)
            return actions
        }
        if var box = partial, box.decoder.isInsideMessage {
            let progress = box.decoder.dataProgress
            if box.progressAtTick == progress {
                drop(.messageStalled, &actions)
                return actions
            }
            if !isKnownUniquelyReferenced(&box) { box = DecoderBox(box.decoder) }
            box.progressAtTick = progress
            partial = box
        }
        flags.remove(.heard)
        rateBucket.forgetPast(now: now)
        actions.append(.write(ping))
        return actions
    }

    /// More was queued for the peer than its output cap: it is not reading. Open, it is dropped
    /// as a slow consumer (its close frame tried once); closing already, it is closed now.
    mutating func outputOverflowed() -> [Action] {
        var actions: [Action] = []
        switch state {
        case .open:
            state = .gone(.dropped(.slowConsumer))
            let reason = DropReason.slowConsumer
            actions.append(.notice(.dropped(reason)))
            let frame = WebSocketFrameEncoder.outgoingClose(code: reason.code.rawValue, reason: reason.reason, mask: nextMask())
            leaveOpen(code: reason.code.rawValue, beforeClose: .abort(frame), &actions)
        case .closeSent:
            state = .gone(.socketGone)
            actions += [.cancel(.closeHandshake), .closeNow]
        case .finishing(let ending):
            state = .gone(ending)
            actions += [.cancel(.closeFlush), .closeNow]
        case .gone:
            break
        }
        return actions
    }

    /// The socket is closed (by us, a write error, a reset or the server stopping).
    mutating func socketGone() -> [Action] {
        var actions: [Action] = []
        inbox = []
        inboxNext = 0
        switch state {
        case .open:
            state = .gone(.socketGone)
            actions.append(.notice(.lostWithoutClose))
            leaveOpen(code: WebSocketCloseCode.abnormal.rawValue, &actions)
        case .closeSent:
            state = .gone(.socketGone)
            actions.append(.cancel(.closeHandshake))
        case .finishing(let ending):
            state = .gone(ending)
            actions.append(.cancel(.closeFlush))
        case .gone:
            break
        }
        return actions
    }

    // MARK: Output

    /// A data frame for the application to send, or nil once the connection is closing.
    /// Masked with a fresh key in the client role.
    func encode(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) -> OutgoingBytes? {
        guard state == .open else { return nil }
        return WebSocketFrameEncoder.outgoing(opcode, payload: payload, mask: nextMask())
    }

    /// A text frame for the application to send, or nil once the connection is closing.
    func encode(text: String) -> OutgoingBytes? {
        guard state == .open else { return nil }
        return WebSocketFrameEncoder.outgoingText(text, mask: nextMask())
    }

    /// A ping frame, or nil once the connection is closing.
    func ping(_ payload: [UInt8]) -> OutgoingBytes? {
        guard state == .open else { return nil }
        return WebSocketFrameEncoder.outgoingControl(.ping, payload: payload, mask: nextMask())
    }

    private func nextMask() -> WebSocketMask? {
        guard case .client(let keys) = role else { return nil }
        let key = keys.next()
        return WebSocketMask(UInt8(truncatingIfNeeded: key), UInt8(truncatingIfNeeded: key >> 8),
                             UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 24))
    }

    // MARK: Transitions

    /// Handles inbox events until one is delivered (a handler must run first) or none is left;
    /// then, if the read ended in a violation, fails.
    private mutating func drain(_ actions: inout [Action]) {
        while handler == .idle, Int(inboxNext) < inbox.count {
            let event = inbox[Int(inboxNext)]
            inboxNext &+= 1
            frame(event, &actions)
        }
        guard handler == .idle else { return }
        inbox = []   // released: an idle connection holds no event buffer
        inboxNext = 0
        if flags.contains(.overRateLimit) {   // it came before anything later in the read
            flags.remove(.overRateLimit)
            drop(.rateLimited, &actions)
            return
        }
        // A decoder that met a violation is kept, dead, and reports it again on any input; a
        // live one reports nothing for no input. So the violation after the events is found here.
        if let error = partial?.decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0)).error {
            fail(error, &actions)
        }
    }

    /// One decoded frame from the peer.
    private mutating func frame(_ event: WebSocketFrameEvent, _ actions: inout [Action]) {
        switch event {
        case .text(let text):
            if state == .open { deliver(.message, WebSocketData(text: text), &actions) }
        case .binary(let bytes):
            if state == .open { deliver(.message, WebSocketData(binary: bytes), &actions) }
        case .ping(let payload):
            if state == .open {
                actions.append(.write(WebSocketFrameEncoder.outgoingControl(.pong, payload: payload, mask: nextMask())))
            }
        case .pong(let payload):
            if state == .open || state == .closeSent { actions.append(.pong(payload)) }
        case .close(let code, let reason):
            switch state {
            case .open:
                // Echo the peer's code (RFC 6455 §5.5.1), then end the TCP connection.
                actions.append(.write(WebSocketFrameEncoder.outgoingClose(code: code, mask: nextMask())))
                finish(.closeReceived(code: code, reason: reason), &actions)
                leaveOpen(code: code ?? WebSocketCloseCode.noStatus.rawValue, &actions)
            case .closeSent:
                actions.append(.cancel(.closeHandshake))
                finish(.closeReceived(code: code, reason: reason), &actions)
            case .finishing, .gone:
                break
            }
        }
    }

    /// A protocol violation: the close frame with its code (if we were open), then the socket
    /// closes without waiting for an answer.
    private mutating func fail(_ error: WebSocketProtocolError, _ actions: inout [Action]) {
        switch state {
        case .open:
            actions.append(.notice(.protocolViolation(error)))
            actions.append(.write(WebSocketFrameEncoder.outgoingClose(code: error.code.rawValue, reason: error.reason, mask: nextMask())))
            finish(.violation(error), &actions)
            leaveOpen(code: error.code.rawValue, &actions)
        case .closeSent:
            actions.append(.notice(.protocolViolation(error)))
            actions.append(.cancel(.closeHandshake))
            finish(.violation(error), &actions)
        case .finishing, .gone:
            break
        }
    }

    private mutating func startClose(code: WebSocketCloseCode, reason: String, _ actions: inout [Action]) {
        state = .closeSent
        actions.append(.write(WebSocketFrameEncoder.outgoingClose(code: code.rawValue, reason: reason, mask: nextMask())))
        actions.append(.arm(.closeHandshake, milliseconds: closeTimeoutMilliseconds))
        leaveOpen(code: code.rawValue, &actions)
    }

    /// Enters `finishing`: the socket closes once flushed, within the close timeout, so a peer
    /// that stops reading cannot keep a finished connection open.
    private mutating func finish(_ ending: Ending, _ actions: inout [Action]) {
        state = .finishing(ending)
        actions.append(.closeWhenFlushed)
        actions.append(.arm(.closeFlush, milliseconds: closeTimeoutMilliseconds))
    }

    /// A limit was broken: the close frame with the reason's code, then the socket closes once
    /// flushed without waiting for an answer (as after a protocol error).
    private mutating func drop(_ reason: DropReason, _ actions: inout [Action]) {
        guard state == .open else { return }
        actions.append(.notice(.dropped(reason)))
        actions.append(.write(WebSocketFrameEncoder.outgoingClose(code: reason.code.rawValue, reason: reason.reason, mask: nextMask())))
        finish(.dropped(reason), &actions)
        leaveOpen(code: reason.code.rawValue, &actions)
    }

    /// Takes a token per message of `events`; at the first one refused, cuts it and the rest
    /// and marks the drop that follows the messages kept.
    private mutating func admit(_ events: inout [WebSocketFrameEvent], _ limit: WebSocketRateLimit, now: UInt64) {
        guard !flags.contains(.overRateLimit) else { return }
        for index in events.indices {
            switch events[index] {
            case .text, .binary:
                if !rateBucket.admit(now: now, limit) {
                    events.removeSubrange(index...)
                    flags.insert(.overRateLimit)
                    return
                }
            case .ping, .pong, .close:
                continue
            }
        }
    }

    /// The connection just left `open`, with `code` on the close frame (ours or the peer's):
    /// the notice, out of the hub, `beforeClose` if any, then `.close` (now, or when the
    /// running handler returns). Called once per connection, last in its action list.
    private mutating func leaveOpen(code: UInt16, beforeClose: Action? = nil, _ actions: inout [Action]) {
        actions.append(.notice(.closed(code: code)))
        actions.append(.leave)
        if let beforeClose { actions.append(beforeClose) }
        if handler == .idle {
            deliverClose(&actions)
        } else {
            handler = .runningCloseDue
        }
    }

    private mutating func deliverClose(_ actions: inout [Action]) {
        deliver(.close, .empty, &actions)
    }

    private mutating func deliver(_ event: WebSocketEvent, _ data: WebSocketData, _ actions: inout [Action]) {
        handler = .running
        actions.append(.deliver(event, data))
    }
}
