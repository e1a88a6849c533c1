/// Speaks WebSocket on a channel after the handshake: decodes frames, answers pings and the close
/// handshake, and calls the route handler with `.open`, `.message` and exactly one `.close`.
///
/// ```
///  open ──close()/error──▶ closing ──peer close, EOF or timeout──▶ closed
///   │                                                              ▲
///   └────────── peer close (echoed) / EOF / socket gone ───────────┘
/// ```
/// On EOF (the peer half-closed) what is already queued, such as the replies to its last
/// messages or the echo of its close frame, is still written before the socket closes.
/// `.close` fires on leaving `open`, after the connection has left the hub, so it neither counts
/// nor receives broadcasts while its handler runs. A close requested from inside a handler fires
/// once that handler returns.
@MainActor
final class WebSocketSession: ChannelSession, WebSocketPeer {
    enum State { case open, closing, closed }

    private weak var channel: Channel?
    private unowned let server: Server
    let connection: WebSocketConnection
    private let route: String
    private let handler: WebSocketHandler
    private var decoder: WebSocketFrameDecoder
    private(set) var state = State.open
    private var closeEventFired = false
    private var closeEventPending = false
    /// How frames to this client are compressed (permessage-deflate's outbound side; nil: none).
    /// Declared here it fills the padding after the flags above.
    let outboundCompression: PerMessageDeflate.Outbound?
    private var handlerDepth = 0
    private var closeTimer: TimerQueue.Token?

    var isOpen: Bool { state == .open }

    init(channel: Channel, server: Server, connection: WebSocketConnection, route: String, handler: @escaping WebSocketHandler,
         perMessageDeflate: PerMessageDeflate? = nil) {
        outboundCompression = perMessageDeflate?.outbound
        self.channel = channel
        self.server = server
        self.connection = connection
        self.route = route
        self.handler = handler
        decoder = WebSocketFrameDecoder(options: WebSocketDecoderOptions(
            maxMessageBytes: server.configuration.maxMessageBytes, perMessageDeflate: perMessageDeflate?.inbound))
        connection.session = self
    }

    private var logPrefix: String { "[ws] \(route) conn=\(connection.id)" }

    /// Joins the hub, fires `.open`, then reads any frames that arrived with the handshake.
    func start(leftover: [UInt8]) {
        server.hub.add(connection)
        server.log.debug("\(logPrefix): open on \(connection.path)")
        invoke(.open, .empty)
        if !leftover.isEmpty && state != .closed {
            leftover.withUnsafeBytes { received($0) }
        }
    }

    // MARK: Input

    /// Handles every event the bytes complete, in order, and only then a violation that
    /// followed them: a message and a bad frame in one read still get the reply, then the close.
    func received(_ bytes: UnsafeRawBufferPointer) {
        guard state != .closed else { return }
        let result = decoder.decode(bytes)
        for event in result.events {
            guard state != .closed else { return }
            handle(event)
        }
        if let error = result.error, state != .closed { fail(error) }
    }

    private func handle(_ event: WebSocketFrameEvent) {
        switch event {
        case .text(let text):
            if state == .open { invoke(.message, WebSocketData(text: text)) }
        case .binary(let bytes):
            if state == .open { invoke(.message, WebSocketData(binary: bytes)) }
        case .ping(let payload):
            if state == .open { channel?.send(WebSocketFrameEncoder.pong(payload)) }
        case .pong:
            break
        case .close(let code, _):
            peerClosed(code: code)
        }
    }

    private func peerClosed(code: UInt16?) {
        switch state {
        case .open:
            // Echo the peer's code (RFC 6455 §5.5.1), then end the TCP connection.
            state = .closed
            let reply = code.map { WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: $0)) }
                ?? WebSocketFrameEncoder.encode(opcode: .close, payload: [UInt8]())
            channel?.send(reply)
            leave()
            closeWhenFlushed()
        case .closing:
            state = .closed
            closeWhenFlushed()
        case .closed:
            break
        }
    }

    /// A protocol violation: send the close code and end the connection without waiting.
    private func fail(_ error: WebSocketProtocolError) {
        server.log.warn("\(logPrefix): closing with \(error.code.rawValue): \(error.reason)")
        if state == .open {
            channel?.send(WebSocketFrameEncoder.close(code: error.code, reason: error.reason))
            state = .closed
            leave()
        } else {
            state = .closed
        }
        closeWhenFlushed()
    }

    // MARK: Output

    func send(_ bytes: OutgoingBytes) {
        guard state == .open else { return }
        channel?.send(bytes)
    }

    /// Starts the closing handshake from the server side.
    func close(code: WebSocketCloseCode, reason: String) {
        guard state == .open else { return }
        state = .closing
        channel?.send(WebSocketFrameEncoder.close(code: code, reason: reason))
        leave()
        let timeout = server.configuration.closeTimeoutMilliseconds
        closeTimer = EventLoop.shared.schedule(at: EventLoop.now() + timeout) { [weak self] in
            guard let self, self.state == .closing else { return }
            self.server.log.info("\(self.logPrefix): no close frame from the client within \(timeout) ms, dropping the connection")
            self.state = .closed
            self.channel?.closeNow()
        }
    }

    /// EOF: the peer sends nothing more, but may still read. What is queued (replies to its last
    /// messages, the echo of its close frame) is still written, then the connection ends.
    /// Without a close frame first this is 1006 locally: the connection leaves the hub and
    /// `.close` fires (once), but no close frame is sent.
    func inputEnded() {
        switch state {
        case .open:
            server.log.debug("\(logPrefix): end of stream without a close frame (1006)")
            state = .closed
            leave()
        case .closing:   // our close frame is out; the peer's will never come
            state = .closed
        case .closed:
            break
        }
        closeWhenFlushed()
    }

    /// Ends the connection once its output is written, within the close timeout: a peer that
    /// stops reading cannot keep a finished connection open.
    private func closeWhenFlushed() {
        channel?.closeWhenFlushed()
        cancelCloseTimer()
        let timeout = server.configuration.closeTimeoutMilliseconds
        closeTimer = EventLoop.shared.schedule(at: EventLoop.now() + timeout) { [weak self] in
            guard let self, let channel = self.channel, !channel.isClosed else { return }
            self.server.log.info("\(self.logPrefix): closing output not taken within \(timeout) ms, dropping the connection")
            channel.closeNow()
        }
    }

    func channelClosed() {
        cancelCloseTimer()
        if state == .open {
            server.log.debug("\(logPrefix): connection lost without a close frame (1006)")
        }
        state = .closed
        leave()
    }

    private func cancelCloseTimer() {
        if let closeTimer { EventLoop.shared.cancel(closeTimer) }
        closeTimer = nil
    }

    // MARK: Handler calls

    /// Leaves the hub and fires `.close` (once; deferred while a handler of this connection runs).
    private func leave() {
        server.hub.remove(connection)
        guard !closeEventFired else { return }
        closeEventFired = true
        if handlerDepth > 0 { closeEventPending = true } else { invoke(.close, .empty) }
    }

    private func invoke(_ event: WebSocketEvent, _ data: WebSocketData) {
        handlerDepth += 1
        do {
            try handler(connection, event, data)
        } catch {
            server.log.error("\(logPrefix): handler failed on \(event.rawValue): \(error)")
            if state == .open { close(code: .internalError, reason: "internal error") }
        }
        handlerDepth -= 1
        if handlerDepth == 0 && closeEventPending {
            closeEventPending = false
            invoke(.close, .empty)
        }
    }
}
