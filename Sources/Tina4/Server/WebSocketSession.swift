/// The server's WebSocket session is the connection itself: one object per socket, so an idle
/// connection costs one allocation for its state (plus its packed handshake headers).
typealias WebSocketSession = WebSocketConnection

/// Where a connection's frames go: the server's ``Channel``, or a recorder in unit tests.
@MainActor
protocol WebSocketTransport: AnyObject {
    /// Queues bytes; the same instance may be queued on many transports (a broadcast).
    func send(_ bytes: OutgoingBytes)
    /// Closes once what is queued is written (half-close, brief linger, close).
    func closeWhenFlushed()
    /// Closes at once, dropping what is queued.
    func closeNow()
    /// Closes at once, dropping what is queued (but the rest of a frame partly written), after
    /// one attempt to write `bytes` (a slow consumer's close frame).
    func abort(sending bytes: OutgoingBytes)
}

extension WebSocketTransport {
    func abort(sending bytes: OutgoingBytes) {
        send(bytes)
        closeNow()
    }
}

extension Channel: WebSocketTransport {}

/// The thin I/O driver of a ``WebSocketConnectionMachine`` on a channel: it feeds the machine
/// what the channel reports and performs the actions that come back (hub, handler, timers,
/// socket). It keeps no close logic of its own; the diagram is on the machine.
///
/// ```text
///  Channel ──received/inputEnded/channelClosed──▶ machine ──actions──▶ perform(_:)
///  handler ──send/close─────────────────────────▶ machine            │ hub add/remove, handler,
///  timer ──timerFired───────────────────────────▶ machine            │ write, timers, close
/// ```
extension WebSocketConnection: ChannelSession {
    /// The loop whose clock and timers this session uses: its channel's (a fake one in tests).
    /// On another transport (a recorder in hub unit tests) no timer is armed. Asked only when a
    /// timer is armed or cancelled (the close paths), never per message.
    private var loop: (any ChannelLoop)? { (transport as? Channel)?.loop }

    private var logPrefix: String { "[ws] \(route) conn=\(id)" }

    /// Joins the hub, fires `.open`, then reads any frames that arrived with the handshake.
    func start(leftover: [UInt8]) {
        log.info("\(logPrefix): open \(path) from \(peerAddress)")
        perform(machine.start())
        if !leftover.isEmpty {
            leftover.withUnsafeBytes { received($0) }
        }
    }

    // MARK: ChannelSession

    func received(_ bytes: UnsafeRawBufferPointer) {
        hub.metrics.webSocketBytesIn &+= bytes.count
        if machine.isRateLimited, let channel = transport as? Channel, let limit = channel.group.webSocketRateLimit {
            perform(machine.received(bytes, rateLimit: limit, now: channel.loop.now()))
        } else {
            perform(machine.received(bytes))
        }
    }

    /// Over the output cap (``ChannelGroup/maxWebSocketOutputBytes``): dropped as a slow consumer.
    func outputOverflowed() -> Bool {
        perform(machine.outputOverflowed())
        return true
    }

    /// The server's heartbeat tick (``WebSocketHeartbeat``): `ping` is the one frame every
    /// connection is sent.
    func heartbeat(ping: OutgoingBytes, now: UInt64) {
        perform(machine.heartbeatTick(ping: ping, now: now))
    }

    func inputEnded() {
        perform(machine.inputEnded())
    }

    func channelClosed() {
        perform(machine.socketGone())
        let ending = machine.state.ending ?? .socketGone
        hub.metrics.webSocketClosed(self, code: ending.closeCode, reason: ending.summary)
        transport = nil   // the channel holds this session; this ends the cycle
    }

    // MARK: Application

    /// Queues an already-encoded frame (a push from outside a handler); dropped once closing.
    func send(_ bytes: OutgoingBytes) {
        guard machine.isOpen, let transport else { return }
        hub.metrics.webSocketSent(bytes: bytes.count)
        transport.send(bytes)
    }

    /// Starts the closing handshake from the server side (`code` must be valid on the wire).
    func close(code: WebSocketCloseCode, reason: String) {
        perform(machine.close(code: code, reason: reason))
    }

    // MARK: Actions

    /// Performs actions in order. A `.deliver` is last in its list: the handler runs, then
    /// the machine says what follows, until nothing is delivered.
    private func perform(_ first: [WebSocketConnectionMachine.Action]) {
        var actions = first
        while !actions.isEmpty {
            var delivery: (WebSocketEvent, WebSocketData)?
            for action in actions {
                switch action {
                case .join: hub.add(self)
                case .leave: hub.remove(self)
                case .write(let bytes): transport?.send(bytes)
                case .deliver(let event, let data): delivery = (event, data)
                case .pong: break
                case .arm(let kind, let milliseconds): arm(kind, after: milliseconds)
                case .cancel(let kind): cancelTimer(kind)
                case .closeWhenFlushed: transport?.closeWhenFlushed()
                case .closeNow: transport?.closeNow()
                case .abort(let bytes): transport?.abort(sending: bytes)
                case .notice(let notice): report(notice)
                }
            }
            guard let (event, data) = delivery else { return }
            if event == .message { hub.metrics.webSocketMessagesIn &+= 1 }
            var threw = false
            do {
                try handler(self, event, data)
            } catch {
                log.error("\(logPrefix): handler failed on \(event.rawValue): \(error)")
                threw = true
            }
            actions = machine.handlerReturned(threw: threw)
        }
    }

    private func arm(_ kind: WebSocketConnectionMachine.TimerKind, after milliseconds: UInt64) {
        cancelTimer(timer?.kind)
        guard let loop else { return }
        let token = loop.schedule(at: loop.now() + milliseconds) { [weak self] in
            guard let self else { return }
            if self.timer?.kind == kind { self.timer = nil }
            self.perform(self.machine.timerFired(kind))
        }
        timer = (kind, token)
    }

    private func cancelTimer(_ kind: WebSocketConnectionMachine.TimerKind?) {
        guard let timer, timer.kind == kind else { return }
        loop?.cancel(timer.token)
        self.timer = nil
    }

    /// `127.0.0.1:50312` style (`-` when unknown). Asked at open and at close only; the
    /// channel tells its session it closed before it closes the fd, so the socket is still there.
    private var peerAddress: String {
        guard let channel = transport as? Channel else { return "-" }
        return PeerAddress.describe(socket: channel.fd) ?? "-"
    }

    private func report(_ notice: WebSocketConnectionMachine.Notice) {
        switch notice {
        case .frameReceived(let frame):
            log.debug("\(logPrefix): frame \(frame)")
        case .dropped(let reason):
            dropped(reason)
        case .closed(let code):
            log.info("\(logPrefix): closed \(path) from \(peerAddress) with \(code)")
        case .protocolViolation(let error):
            log.warn("\(logPrefix): closing with \(error.code.rawValue): \(error.reason)")
        case .endOfStreamWithoutClose:
            log.debug("\(logPrefix): end of stream without a close frame (1006)")
        case .lostWithoutClose:
            log.debug("\(logPrefix): connection lost without a close frame (1006)")
        case .closeTimedOut(let milliseconds):
            log.info("\(logPrefix): no close frame from the client within \(milliseconds) ms, dropping the connection")
        case .flushTimedOut(let milliseconds):
            log.info("\(logPrefix): closing output not taken within \(milliseconds) ms, dropping the connection")
        }
    }

    /// Every connection the server drops for a limit passes here, once, with its reason.
    private func dropped(_ reason: WebSocketConnectionMachine.DropReason) {
        hub.metrics.webSocketDropped(WebSocketDropReason(reason), connection: self)
        let code = reason.code.rawValue
        switch reason {
        case .heartbeatTimeout:
            log.info("\(logPrefix): nothing received for a heartbeat interval after a ping, closing with \(code)")
        case .messageStalled:
            log.info("\(logPrefix): message in progress got no data for a heartbeat interval, closing with \(code)")
        case .slowConsumer:
            let queued = (transport as? Channel)?.pendingOutputBytes ?? 0
            log.warn("\(logPrefix): client is not reading; \(queued) bytes queued past the output cap (TINA4_WS_MAX_BUFFER), closing with \(code)")
        case .rateLimited:
            log.warn("\(logPrefix): \(path) over the rate limit (TINA4_WS_RATE_LIMIT), closing with \(code)")
        }
    }
}
