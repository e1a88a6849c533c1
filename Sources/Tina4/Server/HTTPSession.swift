/// Speaks HTTP/1.1 on a channel: parses requests, runs route handlers, writes responses in order,
/// and hands the socket to a ``WebSocketSession`` when a request upgrades.
///
/// One request is handled at a time; pipelined requests wait in the parser, and reading pauses
/// while an async handler runs, so a client cannot queue unbounded work.
@MainActor
final class HTTPSession: ChannelSession {
    private weak var channel: Channel?
    private unowned let server: Server
    private var parser: HTTPRequestParser
    private var handlerRunning = false
    private var finished = false
    private var clientFinishedSending = false
    /// When the connection expires: idle keep-alive, or a request that is taking too long to arrive.
    private var deadline: UInt64 = 0
    private var deadlineIsForRequest = false
    private var timer: TimerQueue.Token?

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

    /// The client half-closed: answer what it sent (an async handler may still be running), then close.
    func inputEnded() {
        clientFinishedSending = true
        if !handlerRunning && !finished {
            finished = true
            channel?.closeWhenFlushed()
        }
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
        while !finished && !handlerRunning {
            let event: HTTPParseEvent?
            do {
                event = try parser.next()
            } catch {
                server.log.info("[http] \(channel?.logName ?? "-"): \(error.status) \(error.reason)")
                finish(with: Response.error(error.status, error.reason, json: false), omitBody: false)
                return
            }
            guard let event else {
                setDeadline(forRequest: parser.bufferedByteCount > 0)
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

    private func handle(_ parsed: ParsedRequest) {
        let head = parsed.head
        if head.headers.containsToken("websocket", in: "Upgrade") {
            upgrade(head)
            return
        }
        guard let segments = decodePathSegments(head.path) else {
            respond(Response.error(400, "malformed percent-encoding in the path", json: false), to: head, close: true)
            return
        }
        let path = "/" + segments.joined(separator: "/")
        let queryPairs = head.rawQuery.map { QueryString.parse($0) } ?? []
        let body: JSON
        do {
            body = try Request.decodeBody(parsed.body, contentType: head.headers["Content-Type"])
        } catch {
            let wantsJSON = Request(method: head.method, path: path, target: head.target, headers: head.headers).wantsJSON
            respond(Response.error(400, error.message, json: wantsJSON), to: head, close: false)
            return
        }

        switch server.routes.matchHTTP(method: head.method, segments: segments) {
        case .found(let handler, let params):
            let request = Request(
                method: head.method, path: path, target: head.target, params: params, queryPairs: queryPairs,
                headers: head.headers, body: body, rawBody: parsed.body)
            run(handler, request, head)
        case .methodNotAllowed(let allowed):
            let request = Request(method: head.method, path: path, target: head.target, headers: head.headers)
            var response = Response.error(405, "\(head.method) is not allowed on \(path)", json: request.wantsJSON)
            response.headers.set("Allow", allowed.joined(separator: ", "))
            respond(response, to: head, close: false)
        case .notFound:
            if let file = server.staticFile(method: head.method, rawPath: head.path, headers: head.headers) {
                respond(file, to: head, close: false)
                return
            }
            let request = Request(method: head.method, path: path, target: head.target, headers: head.headers)
            respond(Response.error(404, "nothing is served at \(path)", json: request.wantsJSON), to: head, close: false)
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
            channel?.pauseReading()
            Task { @MainActor [weak self] in
                let response: Response
                do {
                    response = try await handler(request, Response())
                } catch {
                    response = self?.failed(request, error) ?? Response(status: 500)
                }
                guard let self, !self.finished else { return }
                self.handlerRunning = false
                self.respond(response, to: head, close: self.clientFinishedSending)
                self.channel?.resumeReading()
                self.processRequests()
            }
        }
    }

    private func failed(_ request: Request, _ error: any Error) -> Response {
        server.log.error("[http] \(request.method) \(request.path): handler error: \(error)")
        return Response.error(500, "the handler for \(request.path) failed", json: request.wantsJSON)
    }

    // MARK: Responses

    private func respond(_ response: Response, to head: HTTPRequestHead, close: Bool) {
        let close = close || !head.keepAlive
        let bytes = response.serialized(omitBody: head.method == "HEAD", close: close, date: CurrentHTTPDate.value)
        channel?.send(bytes)
        if close {
            finished = true
            channel?.closeWhenFlushed()
        }
    }

    /// Answers and closes: after a parse error the stream cannot be trusted.
    private func finish(with response: Response, omitBody: Bool) {
        let bytes = response.serialized(omitBody: omitBody, close: true, date: CurrentHTTPDate.value)
        channel?.send(bytes)
        finished = true
        channel?.closeWhenFlushed()
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
        if handlerRunning {
            deadline = EventLoop.now() + server.configuration.keepAliveTimeoutMilliseconds
            scheduleTimer()
        } else if EventLoop.now() < deadline {
            scheduleTimer()
        } else if deadlineIsForRequest {
            server.log.info("[http] \(channel.logName): request not completed in \(server.configuration.requestTimeoutMilliseconds) ms, 408")
            finish(with: Response.error(408, "the request took too long to arrive", json: false), omitBody: false)
        } else {
            finished = true
            channel.closeNow()
        }
    }

    // MARK: WebSocket upgrade

    private func upgrade(_ head: HTTPRequestHead) {
        guard let segments = decodePathSegments(head.path),
              let match = server.routes.matchWebSocket(segments: segments)
        else {
            respond(Response.error(404, "no WebSocket route at \(head.path)", json: false), to: head, close: true)
            return
        }
        let accept: String
        switch WebSocketHandshake.validate(
            method: head.method, versionMajor: head.version.major, versionMinor: head.version.minor,
            headerValues: { head.headers.values($0) })
        {
        case .failure(let rejection):
            var response = Response().text(rejection.message + "\n", status: rejection.status)
            for (name, value) in rejection.headers { response.headers.set(name, value) }
            server.log.info("[ws] \(head.path): handshake rejected, \(rejection.status) \(rejection.message)")
            respond(response, to: head, close: true)
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
            id: ConnectionID.make(), path: "/" + segments.joined(separator: "/"), params: params,
            headers: head.headers, hub: server.hub)
        finished = true
        cancelTimer()
        channel.send(WebSocketHandshake.switchingProtocolsResponse(accept: accept))
        let session = WebSocketSession(
            channel: channel, server: server, connection: connection, route: match.route, handler: match.handler)
        channel.session = session
        session.start(leftover: parser.takeRemainingBytes())
    }
}

/// Connection ids: 11 random bytes as 15 URL-safe base64 characters (kept inline in a small String).
enum ConnectionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<11).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64.encodeURLSafe(bytes)
    }
}
