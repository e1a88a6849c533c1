/// The HTTP/1.1 side of one connection as a state machine, without sockets or clocks.
///
/// It is fed what happened (bytes received, the peer's EOF, the output drained, a timer fired,
/// the application's response) and hands back ``Action``s one at a time from
/// ``next(now:pendingOutputBytes:)``; the caller (``HTTPSession``) performs them.
/// Between batches the caller reads ``readingWanted`` and ``deadline`` to pause or resume the
/// socket and to keep one timer armed. It parses with ``HTTPRequestParser``; what a request
/// *means* is the dispatcher's business (``HTTPDispatcher``).
///
/// ```
///                request, or a parse error / request timeout (a reject)
///   ┌─────────┐ ──────────────────────────────────────────────▶ ┌──────────┐ ──upgrade()──▶ upgraded
///   │ reading │                                                  │ handling │
///   └─────────┘ ◀────────── respond(), connection persists ────── └──────────┘ ──respond(), closing──▶ finished
///     │     ▲
///     │     └───────────── output drained ─────────────┐
///     └── over the high-water mark ──▶ waitingForOutput
///
///   reading ──EOF with every request answered, the keep-alive timeout, or shutDown() between requests──▶ finished
///   any state ──the channel closed──▶ finished
/// ```
/// A client that stops reading while output waits is the channel's business: its write
/// deadline (``Channel``) closes it, and ``closed()`` ends the machine. After ``shutDown()`` the
/// request in progress is still answered, with `Connection: close`.
/// One request is handled at a time: pipelined requests wait in the parser until the response
/// before them is queued, so answers go out in order also around async handlers. While handling
/// or waiting for output, reading is paused, so a client can queue neither unbounded work nor
/// unbounded output.
///
/// ```swift
/// var connection = HTTPConnection(limits: .init(configuration))
/// connection.received(bytes)
/// while let action = connection.next(now: clock, pendingOutputBytes: 0) {
///     if case .dispatch(let request) = action { connection.respond(Response().text("hi"), close: false, date: date) }
/// }
/// ```
struct HTTPConnection {
    /// The timeouts and thresholds the machine enforces (from ``ServerConfiguration``).
    struct Limits {
        var parser: HTTPParserLimits
        var keepAliveMilliseconds: UInt64
        var requestMilliseconds: UInt64
        var outputHighWaterBytes: Int

        init(_ configuration: ServerConfiguration) {
            parser = HTTPParserLimits(
                maxHeaderBytes: configuration.maxHeaderBytes, maxHeaderCount: 100, maxBodyBytes: configuration.maxBodyBytes)
            keepAliveMilliseconds = configuration.keepAliveTimeoutMilliseconds
            requestMilliseconds = configuration.requestTimeoutMilliseconds
            outputHighWaterBytes = configuration.outputHighWaterBytes
        }
    }

    /// How the answer to the request being handled goes out, from its head.
    struct Reply: Equatable {
        /// HEAD: the head only.
        var omitBody: Bool
        /// The client lets the connection persist (no `Connection: close`, HTTP/1.0 asked).
        var keepAlive: Bool
        /// An HTTP/1.0 client must be told `Connection: keep-alive` was granted.
        var http10: Bool

        init(omitBody: Bool, keepAlive: Bool, http10: Bool) {
            self.omitBody = omitBody
            self.keepAlive = keepAlive
            self.http10 = http10
        }

        init(_ head: HTTPRequestHead) {
            self.init(omitBody: head.method == "HEAD", keepAlive: head.keepAlive, http10: head.version == .http1_0)
        }

        /// For an answer that ends the connection (a parse error, a timeout).
        static func closing(omitBody: Bool) -> Reply { Reply(omitBody: omitBody, keepAlive: false, http10: false) }
    }

    /// When a connection in `reading` expires.
    enum Deadline: Equatable {
        /// Keep-alive: nothing of a next request has arrived by then.
        case idle(UInt64)
        /// Part of a request is here; the rest must be by then (408 otherwise).
        case request(UInt64)

        var time: UInt64 {
            switch self {
            case .idle(let time), .request(let time): time
            }
        }
    }

    /// See the diagram above.
    enum State: Equatable {
        /// Waiting for (the rest of) a request; nil until the first batch sets the deadline.
        case reading(Deadline?)
        /// A request is with the application; its response is awaited.
        case handling(Reply)
        /// Too much output is queued: nothing is read or dispatched until it drains (the
        /// channel's write deadline bounds how long that may take).
        case waitingForOutput
        /// The connection was handed to a WebSocket session.
        case upgraded
        /// The last response is queued (the channel closes after it), or the channel closed.
        case finished
    }

    /// Whether the client may still send.
    enum Input: Equatable { case open, ended }

    /// What the caller does next.
    enum Action {
        /// Write these bytes (`100 Continue`).
        case write(OutgoingBytes)
        /// Find the request's handler and answer with ``respond(_:close:date:)`` (now or later),
        /// or hand the connection over with ``upgrade()``.
        case dispatch(ParsedRequest)
        /// Answer with an error response for `status` (formatted as the client wants, `head`
        /// tells how when it is known) through ``respond(_:close:date:)``; the connection closes
        /// after it. `log` says why, for the log line.
        case reject(status: Int, reason: String, head: HTTPRequestHead?, log: String)
        /// Queue these response bytes; then close once written when `close`.
        case respond(HTTPResponseBytes, close: Bool)
        /// Every request is answered and the client sends no more: close once written.
        case closeWhenFlushed
        /// Close at once (a timeout); `log` says why, when it is worth a line.
        case closeNow(log: String?)
    }

    private let limits: Limits
    private var parser: HTTPRequestParser
    private(set) var state = State.reading(nil)
    private(set) var input = Input.open
    /// The server is shutting down: the request in progress gets the last answer.
    private(set) var draining = false
    /// An action produced by an input, handed out by the next call to ``next(now:pendingOutputBytes:)``.
    private var queued: Action?

    init(limits: Limits) {
        self.limits = limits
        parser = HTTPRequestParser(limits: limits.parser)
    }

    // MARK: Inputs

    /// Bytes from the client (copied into the parser).
    mutating func received(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .finished, .upgraded: return
        case .reading, .handling, .waitingForOutput: parser.append(bytes)
        }
    }

    /// The client half-closed: every complete request it sent is still answered, then the
    /// connection closes.
    mutating func inputEnded() { input = .ended }

    /// The queued output was written: carry on with the next request.
    mutating func outputDrained() {
        if case .waitingForOutput = state { state = .reading(nil) }
    }

    /// The server is shutting down: a connection between requests closes (once what is queued
    /// is written); a request in progress, or already partly received, is still answered, with
    /// `Connection: close`, and nothing after it is read.
    mutating func shutDown() {
        draining = true
        if case .reading = state, !parser.isMidRequest, queued == nil {
            state = .finished
            queued = .closeWhenFlushed
        }
    }

    /// The channel closed; nothing more happens.
    mutating func closed() {
        state = .finished
        queued = nil
    }

    /// The timer armed for ``deadline`` fired (possibly early: the deadline may have moved).
    mutating func timerFired(now: UInt64) {
        switch state {
        case .reading(let deadline?) where now >= deadline.time:
            switch deadline {
            case .request:
                state = .handling(.closing(omitBody: false))
                queued = .reject(
                    status: 408, reason: "the request took too long to arrive", head: nil,
                    log: "request not completed in \(limits.requestMilliseconds) ms, 408")
            case .idle:
                state = .finished
                queued = .closeNow(log: nil)
            }
        case .reading, .handling, .waitingForOutput, .upgraded, .finished:
            break
        }
    }

    /// The answer to the request being handled (or to a rejection). Ignored when the
    /// connection has finished meanwhile (the client went away while an async handler ran).
    /// The connection persists unless `close`, the client's `Connection` header, or HTTP/1.0
    /// without `keep-alive` says otherwise.
    mutating func respond(_ response: Response, close: Bool, date: String) {
        guard case .handling(let reply) = state else { return }
        let closing = close || !reply.keepAlive || draining
        let persistence: Response.Persistence = closing ? .close : reply.http10 ? .keepAlive : .persistent
        queued = .respond(HTTPResponseBytes(response, omitBody: reply.omitBody, persistence: persistence, date: date), close: closing)
        state = closing ? .finished : .reading(nil)
    }

    /// Hands the connection to a WebSocket session (after a valid handshake for the request
    /// being handled): returns the bytes that followed the request, which are the session's.
    mutating func upgrade() -> [UInt8] {
        guard case .handling = state else { return [] }
        state = .upgraded
        return parser.takeRemainingBytes()
    }

    // MARK: Outputs

    /// The next thing to do, or nil when the machine waits for an input. `now` is the clock in
    /// milliseconds; `pendingOutputBytes` is the channel's unwritten output.
    mutating func next(now: UInt64, pendingOutputBytes: Int) -> Action? {
        if let action = queued {
            queued = nil
            return action
        }
        guard case .reading(let deadline) = state else { return nil }
        if pendingOutputBytes > limits.outputHighWaterBytes {
            state = .waitingForOutput
            return nil
        }
        let event: HTTPParseEvent?
        do {
            event = try parser.next()
        } catch {
            // After a parse error the stream cannot be trusted: answer and close.
            let head = parser.currentHead
            state = .handling(.closing(omitBody: head?.method == "HEAD"))
            return .reject(status: error.status, reason: error.reason, head: head, log: "\(error.status) \(error.reason)")
        }
        guard let event else {
            if input == .ended || (draining && !parser.isMidRequest) {   // every complete request is answered; nothing more will come
                state = .finished
                return .closeWhenFlushed
            }
            // The keep-alive clock starts when the last response is queued (or the connection
            // opens), the request clock when a request's first bytes arrive; neither restarts
            // while it runs (an early timer, more bytes of the same request, chunk or trailer
            // lines the decoder has consumed: the request is unfinished until it is returned).
            let partial = parser.isMidRequest
            switch (deadline, partial) {
            case (.request?, true), (.idle?, false):
                break
            case (_, true):
                state = .reading(.request(now + limits.requestMilliseconds))
            case (_, false):
                state = .reading(.idle(now + limits.keepAliveMilliseconds))
            }
            return nil
        }
        switch event {
        case .expectContinue:
            return .write(OutgoingBytes(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)))
        case .request(let request):
            state = .handling(Reply(request.head))
            return .dispatch(request)
        }
    }

    /// Whether the socket should be read: true while reading requests, false while a request
    /// is handled or output drains, nil when it no longer matters to HTTP (finished, upgraded).
    var readingWanted: Bool? {
        switch state {
        case .reading: true
        case .handling, .waitingForOutput: false
        case .upgraded, .finished: nil
        }
    }

    /// When a timer should fire, if one is needed: the caller keeps one armed at or before it
    /// and reports ``timerFired(now:)``.
    var deadline: UInt64? {
        switch state {
        case .reading(let deadline): deadline?.time
        case .handling, .waitingForOutput, .upgraded, .finished: nil
        }
    }
}
