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
        log.debug("\(logPrefix): open on \(path)")
        perform(machine.start())
        if !leftover.isEmpty {
            leftover.withUnsafeBytes { received($0) }
        }
    }

    // MARK: ChannelSession

    func received(_ bytes: UnsafeRawBufferPointer) {
        hub.metrics.webSocketBytesIn &+= bytes.count
        perform(machine.received(bytes))
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

    private func report(_ notice: WebSocketConnectionMachine.Notice) {
        switch notice {
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
}
