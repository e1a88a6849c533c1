/// Speaks HTTP/1.1 on a channel: parses requests, runs route handlers, writes responses in order,
/// and hands the socket to a ``WebSocketSession`` when a request upgrades.
///
/// One request is handled at a time; pipelined requests wait in the parser. Reading pauses while
/// an async handler runs, and while more than ``ServerConfiguration/outputHighWaterBytes`` of
/// responses wait to be written (resuming when the channel reports the output drained), so a
/// client can queue neither unbounded work nor unbounded output.
@MainActor
final class HTTPSession: ChannelSession {
    private weak var channel: Channel?
    private unowned let server: Server
    private var parser: HTTPRequestParser
    /// An async handler is running: its response goes out before the next request is read.
    private var handlerRunning = false
    /// Output is over the high-water mark: nothing more is dispatched until it drains.
    private var waitingForOutput = false
    private var finished = false
    private var clientFinishedSending = false
    /// When the connection expires: idle keep-alive, a request that is taking too long to
    /// arrive, or a response the client has stopped reading.
    private var deadline: UInt64 = 0
    private var deadlineIsForRequest = false
    private var timer: TimerQueue.Token?
    /// `channel.bytesWritten` when the output deadline was last moved (progress = still reading).
    private var writtenAtLastCheck = 0

    init(channel: Channel, server: Server) {
        self.channel = channel
        self.server = server
        let configuration = server.configuration
        parser = HTTPRequestParser(limits: HTTPParserLimits(
            maxHeaderBytes: configuration.maxHeaderBytes, maxHeaderCount: 100, maxBodyBytes: configuration.maxBodyBytes))
        setDeadline(forRequest: false)
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        guard !finished else { return }
        parser.append(bytes)
        processRequests()
    }

    /// The client half-closed: answer every complete request it sent (an async handler may still
    /// be running, output may be waiting), then close.
    func inputEnded() {
        clientFinishedSending = true
        processRequests()
    }

    /// The responses queued past the high-water mark are written: carry on with the next request.
    func outputDrained() {
        guard waitingForOutput, !finished else { return }
        waitingForOutput = false
        processRequests()
        updateReading()
    }

    func channelClosed() {
        finished = true
        cancelTimer()
    }

    private func cancelTimer() {
        if let timer { EventLoop.shared.cancel(timer) }
        timer = nil
    }

    // MARK: Request loop

    private func processRequests() {
        while !finished && !handlerRunning && !waitingForOutput {
            if let channel, channel.pendingOutputBytes > server.configuration.outputHighWaterBytes {
                waitForOutput(channel)
                return
            }
            let event: HTTPParseEvent?
            do {
                event = try parser.next()
            } catch {
                server.log.info("[http] \(channel?.logName ?? "-"): \(error.status) \(error.reason)")
                let head = parser.currentHead
                finish(with: Response.error(error.status, error.reason, json: head.map(wantsJSON) ?? false),
                       omitBody: head?.method == "HEAD")
                return
            }
            guard let event else {
                if clientFinishedSending {
                    finished = true   // every complete request is answered; nothing more will come
                    channel?.closeWhenFlushed()
                } else {
                    setDeadline(forRequest: parser.bufferedByteCount > 0)
                }
                return
            }
            switch event {
            case .expectContinue:
                channel?.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            case .request(let request):
                handle(request)
            }
        }
    }

    /// Backpressure: stop reading and dispatching until the channel has written what is queued.
    private func waitForOutput(_ channel: Channel) {
        waitingForOutput = true
        writtenAtLastCheck = channel.bytesWritten
        deadline = EventLoop.now() + server.configuration.keepAliveTimeoutMilliseconds
        deadlineIsForRequest = false
        if timer == nil { scheduleTimer() }
        channel.pauseReading()
        channel.notifyWhenDrained()
    }

    /// Reads while nothing holds the session back.
    private func updateReading() {
        guard !finished, let channel else { return }
        if handlerRunning || waitingForOutput {
            channel.pauseReading()
        } else {
            channel.resumeReading()
        }
    }

    private func handle(_ parsed: ParsedRequest) {
        let head = parsed.head
        guard let segments = decodePathSegments(head.path) else {
            let response = Response.error(400, "malformed percent-encoding in the path", json: wantsJSON(head))
            respond(response, to: head, close: true)
            return
        }
        if head.headers.containsToken("websocket", in: "Upgrade") {
            guard let match = server.routes.matchWebSocket(segments: segments) else {
                respond(Response.error(404, "no WebSocket route at \(head.path)", json: false), to: head, close: true)
                return
            }
            upgrade(head, segments: segments, match: match, requested: true)
            return
        }
        let path = "/" + segments.joined(separator: "/")
        let queryPairs = head.rawQuery.map { QueryString.parse($0) } ?? []
        let body: JSON
        do {
            body = try Request.decodeBody(parsed.body, contentType: head.headers["Content-Type"])
        } catch {
            respond(Response.error(400, error.message, json: wantsJSON(head)), to: head, close: false)
            return
        }

        switch server.routes.matchHTTP(method: head.method, segments: segments) {
        case .found(let handler, let params):
            let request = Request(
                method: head.method, path: path, target: head.target, params: params, queryPairs: queryPairs,
                headers: head.headers, body: body, rawBody: parsed.body)
            run(handler, request, head)
        case .methodNotAllowed(let allowed):
            var response = Response.error(405, "\(head.method) is not allowed on \(path)", json: wantsJSON(head))
            response.headers.set("Allow", allowed.joined(separator: ", "))
            respond(response, to: head, close: false)
        case .notFound:
            if let match = server.routes.matchWebSocket(segments: segments) {
                // Only a WebSocket route is here: say so (426 Upgrade Required for a plain GET).
                upgrade(head, segments: segments, match: match, requested: false)
                return
            }
            if let file = server.staticFile(method: head.method, rawPath: head.path, query: head.rawQuery, headers: head.headers) {
                respond(file, to: head, close: false)
                return
            }
            respond(Response.error(404, "nothing is served at \(path)", json: wantsJSON(head)), to: head, close: false)
        }
    }

    private func run(_ handler: RouteTable.Handler, _ request: Request, _ head: HTTPRequestHead) {
        switch handler {
        case .sync(let handler):
            let response: Response
            do {
                response = try handler(request, Response())
            } catch {
                response = failed(request, error)
            }
            respond(response, to: head, close: false)
        case .async(let handler):
            handlerRunning = true
            updateReading()
            Task { @MainActor [weak self] in
                let response: Response
                do {
                    response = try await handler(request, Response())
                } catch {
                    response = self?.failed(request, error) ?? Response(status: 500)
                }
                guard let self, !self.finished else { return }
                self.handlerRunning = false
                self.respond(response, to: head, close: false)
                self.processRequests()
                self.updateReading()
            }
        }
    }

    private func failed(_ request: Request, _ error: any Error) -> Response {
        server.log.error("[http] \(request.method) \(request.path): handler error: \(error)")
        return Response.error(500, "the handler for \(request.path) failed", json: request.wantsJSON)
    }

    /// Whether the client wants an error as JSON (``Request/wantsJSON``), from the head alone.
    private func wantsJSON(_ head: HTTPRequestHead) -> Bool {
        let path = decodePathSegments(head.path).map { "/" + $0.joined(separator: "/") } ?? head.path
        return Request(method: head.method, path: path, target: head.target, headers: head.headers).wantsJSON
    }

    // MARK: Responses

    /// Writes a response; the connection persists unless `close`, the client's `Connection`
    /// header, or HTTP/1.0 without `keep-alive` says otherwise.
    private func respond(_ response: Response, to head: HTTPRequestHead, close: Bool) {
        let close = close || !head.keepAlive
        let persistence: Response.Persistence = close ? .close : head.version == .http1_0 ? .keepAlive : .persistent
        send(response, omitBody: head.method == "HEAD", persistence: persistence)
        if close {
            finished = true
            channel?.closeWhenFlushed()
        }
    }

    /// Answers and closes: after a parse error the stream cannot be trusted.
    private func finish(with response: Response, omitBody: Bool) {
        send(response, omitBody: omitBody, persistence: .close)
        finished = true
        channel?.closeWhenFlushed()
    }

    /// Queues the head and body; a large body goes as its own buffer rather than being copied
    /// behind the head.
    private func send(_ response: Response, omitBody: Bool, persistence: Response.Persistence) {
        guard let channel else { return }
        let date = CurrentHTTPDate.value
        if response.body.count <= 16 * 1024 {
            channel.send(response.serialized(omitBody: omitBody, persistence: persistence, date: date))
        } else {
            channel.send(response.serializedHead(persistence: persistence, date: date))
            if response.sendsBody(omitBody: omitBody) { channel.send(response.body) }
        }
    }

    // MARK: Timeouts

    private func setDeadline(forRequest: Bool) {
        let now = EventLoop.now()
        let configuration = server.configuration
        if forRequest && deadlineIsForRequest { return }  // the clock started when the request began
        deadlineIsForRequest = forRequest
        deadline = now + (forRequest ? configuration.requestTimeoutMilliseconds : configuration.keepAliveTimeoutMilliseconds)
        if timer == nil { scheduleTimer() }
    }

    /// One timer per connection at most; moving the deadline later does not reschedule it, the
    /// timer re-arms itself when it fires early.
    private func scheduleTimer() {
        timer = EventLoop.shared.schedule(at: deadline) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard !finished, let channel, !channel.isClosed else { return }
        let now = EventLoop.now()
        let configuration = server.configuration
        if handlerRunning {
            deadline = now + configuration.keepAliveTimeoutMilliseconds
            scheduleTimer()
        } else if now < deadline {
            scheduleTimer()
        } else if waitingForOutput {
            if channel.bytesWritten != writtenAtLastCheck {   // slow, but reading
                writtenAtLastCheck = channel.bytesWritten
                deadline = now + configuration.keepAliveTimeoutMilliseconds
                scheduleTimer()
                return
            }
            server.log.info("[http] \(channel.logName): client read nothing in \(configuration.keepAliveTimeoutMilliseconds) ms with \(channel.pendingOutputBytes) bytes pending, closing")
            finished = true
            channel.closeNow()
        } else if deadlineIsForRequest {
            server.log.info("[http] \(channel.logName): request not completed in \(configuration.requestTimeoutMilliseconds) ms, 408")
            finish(with: Response.error(408, "the request took too long to arrive", json: false), omitBody: false)
        } else {
            finished = true
            channel.closeNow()
        }
    }

    // MARK: WebSocket upgrade

    /// Runs the opening handshake for a request to a WebSocket route: 101 and a
    /// ``WebSocketSession`` when it is valid. Otherwise the rejection: for an upgrade attempt
    /// (`requested`) as plain text, closing; for a plain request to a WebSocket-only path as an
    /// ordinary error page (JSON when asked for) on a connection that stays open.
    private func upgrade(_ head: HTTPRequestHead, segments: [String], match: RouteTable.WebSocketMatch, requested: Bool) {
        let accept: String
        switch WebSocketHandshake.validate(
            method: head.method, versionMajor: head.version.major, versionMinor: head.version.minor,
            headerValues: { head.headers.values($0) })
        {
        case .failure(let rejection):
            var response = requested
                ? Response().text(rejection.message + "\n", status: rejection.status)
                : Response.error(rejection.status, "\(head.path) is a WebSocket endpoint; \(rejection.message)", json: wantsJSON(head))
            for (name, value) in rejection.headers { response.headers.set(name, value) }
            server.log.info("[ws] \(head.path): handshake rejected, \(rejection.status) \(rejection.message)")
            respond(response, to: head, close: requested)
            return
        case .success(let value):
            accept = value
        }
        guard let channel else { return }
        var params: [String: String] = [:]
        for pair in head.rawQuery.map({ QueryString.parse($0) }) ?? [] where params[pair.name] == nil {
            params[pair.name] = pair.value
        }
        params.merge(match.params) { _, path in path }
        let connection = WebSocketConnection(
            id: ConnectionID.make(), path: CanonicalPath.from(segments: segments), params: params,
            headers: head.headers, hub: server.hub)
        finished = true
        cancelTimer()
        let deflate = PerMessageDeflateNegotiation.negotiate(
            offers: head.headers.values("Sec-WebSocket-Extensions"), configuration: server.configuration.compression)
        channel.send(WebSocketHandshake.switchingProtocolsResponse(accept: accept, perMessageDeflate: deflate))
        let session = WebSocketSession(
            channel: channel, server: server, connection: connection, route: match.route, handler: match.handler,
            perMessageDeflate: deflate)
        channel.session = session
        session.start(leftover: parser.takeRemainingBytes())
        channel.resumeReading()   // reading may have been paused for an earlier response
    }
}
