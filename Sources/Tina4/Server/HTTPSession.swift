/// The thin I/O side of an HTTP connection: feeds a ``Channel``'s events to an
/// ``HTTPConnection`` and performs its actions, asking the ``HTTPDispatcher`` for answers.
///
/// ```
///  Channel ──bytes, EOF, drained──▶ HTTPSession ──inputs──▶ HTTPConnection (state machine)
///     ▲                               │    ▲                    │
///     └── send / pause / resume / close    └──── actions ───────┘
///                                     │
///                                     └── .dispatch(request) ──▶ HTTPDispatcher ──▶ route handler
/// ```
/// It owns the connection's one timer, armed at or before the machine's ``HTTPConnection/deadline``
/// on the channel's loop. On a valid WebSocket handshake it writes the 101 and replaces itself
/// with a ``WebSocketSession`` on the same channel.
///
/// The session holds its channel strongly; the channel drops the session when it closes or
/// upgrades, which ends the cycle. An async handler's task holds the session weakly.
@MainActor
final class HTTPSession: ChannelSession {
    private let channel: Channel
    private let dispatcher: HTTPDispatcher
    /// For the WebSocket session an upgrade creates (it needs the server's hub and settings).
    private weak var server: Server?
    private var connection: HTTPConnection
    private var timer: TimerQueue.Token?
    private var timerDeadline: UInt64 = .max

    init(channel: Channel, dispatcher: HTTPDispatcher, limits: HTTPConnection.Limits, server: Server?) {
        self.channel = channel
        self.dispatcher = dispatcher
        self.server = server
        connection = HTTPConnection(limits: limits)
        run()
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        connection.received(bytes)
        run()
    }

    func inputEnded() {
        connection.inputEnded()
        run()
    }

    func outputDrained() {
        guard case .waitingForOutput = connection.state else { return }
        connection.outputDrained()
        run()
    }

    func channelClosed() {
        connection.closed()
        cancelTimer()
    }

    /// The server is shutting down: see ``HTTPConnection/shutDown()``.
    func shutDown() {
        guard !channel.isClosed else { return }
        connection.shutDown()
        run()
    }

    // MARK: Driving the machine

    /// Performs every action the machine has, then brings reading and the timer in line.
    private func run() {
        let now = channel.loop.now()
        while let action = connection.next(now: now, pendingOutputBytes: channel.pendingOutputBytes) {
            perform(action)
        }
        guard !channel.isClosed else { return }
        switch connection.readingWanted {
        case true?: channel.resumeReading()
        case false?: channel.pauseReading()
        case nil: break
        }
        syncTimer()
    }

    private func perform(_ action: HTTPConnection.Action) {
        switch action {
        case .write(let bytes):
            channel.send(bytes)
        case .dispatch(let request):
            dispatch(request)
        case .reject(let status, let reason, let head, let message):
            dispatcher.log.info("[http] \(channel.logName): \(message)")
            metrics.httpAnswered(method: head?.method ?? "", status: status, startedAt: nil)
            connection.respond(dispatcher.rejection(status: status, reason: reason, head: head), close: true, date: CurrentHTTPDate.value)
        case .respond(let bytes, let close):
            channel.send(bytes.head)
            if let body = bytes.body { channel.send(body) }
            if close { channel.closeWhenFlushed() }
        case .closeWhenFlushed:
            channel.closeWhenFlushed()
        case .closeNow(let message):
            if let message { dispatcher.log.info("[http] \(channel.logName): \(message)") }
            channel.closeNow()
        }
    }

    /// Where requests are counted: the hub's metrics.
    private var metrics: ServerMetrics { dispatcher.routes.hub.metrics }

    private func dispatch(_ request: ParsedRequest) {
        let started = MonotonicClock.nanoseconds()
        let method = request.head.method
        switch dispatcher.dispatch(request, from: channel) {
        case .respond(let response, let close):
            metrics.httpAnswered(method: method, status: response.status, startedAt: started)
            connection.respond(response, close: close, date: CurrentHTTPDate.value)
        case .respondLater(let work):
            Task { @MainActor [weak self] in
                let response = await work()
                guard let self else { return }
                self.metrics.httpAnswered(method: method, status: response.status, startedAt: started)
                self.connection.respond(response, close: false, date: CurrentHTTPDate.value)
                self.run()
            }
        case .upgrade(let upgrade):
            guard let server else {   // the server is gone: nobody to hand the socket to
                channel.closeNow()
                return
            }
            metrics.httpAnswered(method: method, status: 101, startedAt: started)
            let leftover = connection.upgrade()
            cancelTimer()
            channel.send(upgrade.response)
            channel.carriesWebSocket = true
            let configuration = server.configuration
            let session = WebSocketSession(
                id: ConnectionID.make(), path: upgrade.path, params: upgrade.params, headers: upgrade.headers,
                hub: server.hub, transport: channel, endpoint: upgrade.endpoint, protocolIndex: upgrade.protocolIndex, log: server.log,
                maxMessageBytes: configuration.maxMessageBytes,
                closeTimeoutMilliseconds: configuration.closeTimeoutMilliseconds, perMessageDeflate: upgrade.perMessageDeflate,
                rateLimited: configuration.webSocketRateLimit != nil)
            channel.session = session
            session.start(leftover: leftover)
            if server.isShuttingDown {   // a handshake that was in progress when the shutdown began
                session.close(code: .goingAway, reason: "server shutting down")
            }
            channel.resumeReading()   // reading may have been paused for an earlier response
        }
    }

    // MARK: The timer

    /// One timer at most, armed at or before the machine's deadline; a deadline that moved later
    /// is found when the timer fires early, and the timer re-arms.
    private func syncTimer() {
        guard let deadline = connection.deadline else { return cancelTimer() }
        if timer != nil && timerDeadline <= deadline { return }
        cancelTimer()
        timerDeadline = deadline
        timer = channel.loop.schedule(at: deadline) { [weak self] in self?.timerFired() }
    }

    private func cancelTimer() {
        if let timer { channel.loop.cancel(timer) }
        timer = nil
        timerDeadline = .max
    }

    private func timerFired() {
        timer = nil
        timerDeadline = .max
        guard !channel.isClosed else { return }
        connection.timerFired(now: channel.loop.now())
        run()
    }
}
