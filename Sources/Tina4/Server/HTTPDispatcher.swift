/// Where an HTTP request finds its handler: what a complete request means to the application.
///
/// In order, for one ``ParsedRequest`` (``dispatch(_:)``):
/// 1. the path is percent-decoded into segments (400 and close when it cannot be);
///    `/metrics` and the other metrics paths (``ServerConfiguration/metricsPaths``) are then
///    answered or refused under ``MetricsAccess`` (404 when off; 403 for a peer elsewhere when
///    loopback-only, the only time the peer's address is asked); `GET /metrics` is answered here;
/// 2. an `Upgrade: websocket` request goes to its WebSocket route: the opening handshake is
///    validated, the `Origin` checked (403 when ``ServerConfiguration/allowedOrigins`` refuses
///    it), a subprotocol chosen (``WebSocketSubprotocols``; 400 for an offer that is not a
///    token), a permessage-deflate offer answered (``PerMessageDeflateNegotiation``) and
///    ``Outcome/upgrade(_:)`` returned (404 and close without a route, the handshake's
///    rejection status and close when it is invalid);
/// 3. the HTTP route table is matched; only for a route that matched is the body decoded (JSON
///    or form; 400 when malformed) and the handler run, sync or async;
/// 4. otherwise 405 with `Allow` when the path exists for other methods, 426 for a plain request
///    to a WebSocket-only path, a static file for GET/HEAD, else 404.
///
/// Errors are a small HTML page or, when the client asks for JSON (``Request/wantsJSON``), a
/// JSON object (``Response/error(_:_:json:)``). The connection side (parsing, keep-alive,
/// ordering, timeouts) is ``HTTPConnection``'s; this type never sees a socket.
///
/// ```swift
/// let dispatcher = HTTPDispatcher(routes: routes, staticFiles: nil, log: log)
/// switch dispatcher.dispatch(request) {
/// case .respond(let response, let close): ...
/// case .respondLater(let work): Task { let response = await work(); ... }
/// case .upgrade(let upgrade): ...   // 101, then a WebSocketSession on the socket
/// }
/// ```
@MainActor
final class HTTPDispatcher {
    let routes: RouteTable
    /// The files served for GET/HEAD requests no route answers (nil serves none).
    var staticFiles: StaticFiles?
    var log: Log

    /// What to do with a request.
    enum Outcome {
        /// Answer now; close the connection after it when `close`.
        case respond(Response, close: Bool)
        /// An async handler: run `work` and answer with its response (errors are already a 500).
        case respondLater(@MainActor () async -> Response)
        /// A valid WebSocket handshake: switch protocols.
        case upgrade(WebSocketUpgrade)
    }

    /// A WebSocket handshake that was accepted: what the session needs to open the connection.
    struct WebSocketUpgrade {
        /// The `101 Switching Protocols` response.
        var response: [UInt8]
        /// The canonical path (the hub group), the parameters and the handshake headers.
        var path: String
        var params: [String: String]
        var headers: HTTPHeaders
        /// The route: its pattern as written (for log lines), handler and subprotocols.
        var endpoint: WebSocketEndpoint
        /// The index in `endpoint.protocols` of the subprotocol agreed (nil: none).
        var protocolIndex: Int?
        /// What permessage-deflate (RFC 7692) settings were agreed (nil: none; the 101 says which).
        var perMessageDeflate: PerMessageDeflate?
    }

    /// How permessage-deflate offers are answered (``ServerConfiguration/compression``).
    let compression: PerMessageDeflateConfiguration

    /// Who may read `/metrics` and ``metricsPaths`` (``ServerConfiguration/metrics``).
    let metricsAccess: MetricsAccess
    /// `/metrics` and the paths answered under its rule (``ServerConfiguration/metricsPaths``).
    let metricsPaths: Set<String>
    /// Which browser origins may open a WebSocket (nil: all; ``ServerConfiguration/allowedOrigins``).
    let allowedOrigins: WebSocketOriginPolicy?

    init(routes: RouteTable, staticFiles: StaticFiles?, log: Log, compression: PerMessageDeflateConfiguration = .init(),
         metricsAccess: MetricsAccess = .loopback, metricsPaths: Set<String> = [], allowedOrigins: WebSocketOriginPolicy? = nil) {
        self.routes = routes
        self.staticFiles = staticFiles
        self.log = log
        self.compression = compression
        self.metricsAccess = metricsAccess
        self.metricsPaths = metricsPaths.union([MetricsEndpoint.path])
        self.allowedOrigins = allowedOrigins
    }

    /// `peer` is asked whether the client is on this machine only for a metrics path (nil, in
    /// unit tests: an in-process caller, allowed).
    func dispatch(_ parsed: ParsedRequest, from peer: (any RequestPeer)? = nil) -> Outcome {
        let head = parsed.head
        guard let segments = decodePathSegments(head.path) else {
            return .respond(Response.error(400, "malformed percent-encoding in the path", json: wantsJSON(head)), close: true)
        }
        let path = "/" + segments.joined(separator: "/")
        if let answer = metricsGate(head, path: path, peer: peer) { return answer }
        if head.headers.containsToken("websocket", in: "Upgrade") {
            guard let match = routes.matchWebSocket(segments: segments) else {
                return .respond(Response.error(404, "no WebSocket route at \(head.path)", json: false), close: true)
            }
            return upgrade(head, segments: segments, match: match, requested: true)
        }
        switch routes.matchHTTP(method: head.method, segments: segments) {
        case .found(let handler, let params):
            // The body is decoded only now: a request no route takes is a 404/405, whatever its body.
            let body: JSON
            do {
                body = try Request.decodeBody(parsed.body, contentType: head.headers["Content-Type"])
            } catch {
                return .respond(Response.error(400, error.message, json: wantsJSON(head)), close: false)
            }
            let queryPairs = head.rawQuery.map { QueryString.parse($0) } ?? []
            let request = Request(
                method: head.method, path: path, target: head.target, params: params, queryPairs: queryPairs,
                headers: head.headers, body: body, rawBody: parsed.body)
            return run(handler, request)
        case .methodNotAllowed(let allowed):
            var response = Response.error(405, "\(head.method) is not allowed on \(path)", json: wantsJSON(head))
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return .respond(response, close: false)
        case .notFound:
            if let match = routes.matchWebSocket(segments: segments) {
                // Only a WebSocket route is here: say so (426 Upgrade Required for a plain GET).
                return upgrade(head, segments: segments, match: match, requested: false)
            }
            if let file = staticFile(head) {
                return .respond(file, close: false)
            }
            return .respond(Response.error(404, "nothing is served at \(path)", json: wantsJSON(head)), close: false)
        }
    }

    /// The answer for `/metrics` and the other metrics paths (``MetricsAccess``): 404 when off,
    /// 403 for a client elsewhere when loopback-only (one log line), the exposition for
    /// `GET /metrics`; nil lets routing go on (a dashboard route that is allowed).
    private func metricsGate(_ head: HTTPRequestHead, path: String, peer: (any RequestPeer)?) -> Outcome? {
        guard metricsPaths.contains(path) else { return nil }
        let upgrade = head.headers.containsToken("websocket", in: "Upgrade")
        switch metricsAccess {
        case .on:
            break
        case .off:
            return .respond(Response.error(404, "nothing is served at \(path)", json: wantsJSON(head)), close: upgrade)
        case .loopback:
            if let peer, !peer.isLoopback {
                log.info("[http] \(peer.logName): \(path) refused, answered to loopback clients only (TINA4_METRICS=loopback)")
                return .respond(Response.error(403, "\(path) is answered to clients on this machine only", json: wantsJSON(head)),
                                close: upgrade)
            }
        }
        guard path == MetricsEndpoint.path, !upgrade else { return nil }
        return .respond(MetricsEndpoint.respond(method: head.method, hub: routes.hub), close: false)
    }

    /// The answer to a request the connection rejects (a parse error, a timeout): JSON when the
    /// head is known and asks for it.
    func rejection(status: Int, reason: String, head: HTTPRequestHead?) -> Response {
        Response.error(status, reason, json: head.map(wantsJSON) ?? false)
    }

    // MARK: Handlers

    private func run(_ handler: RouteTable.Handler, _ request: Request) -> Outcome {
        switch handler {
        case .sync(let handler):
            do {
                return .respond(refusingUnsafeHeaders(try handler(request, Response()), request), close: false)
            } catch {
                return .respond(failed(request, error), close: false)
            }
        case .async(let handler):
            return .respondLater { [self] in
                do {
                    return refusingUnsafeHeaders(try await handler(request, Response()), request)
                } catch {
                    return failed(request, error)
                }
            }
        }
    }

    /// A handler's response with a CR, LF or NUL in a header is never written: it becomes a
    /// logged 500 (a `%0d%0a` in a redirect target must not split the response).
    private func refusingUnsafeHeaders(_ response: Response, _ request: Request) -> Response {
        let (safe, problem) = response.refusingUnsafeHeaders(json: request.wantsJSON)
        if let problem { log.error("[http] \(request.method) \(request.path): response refused, \(problem)") }
        return safe
    }

    private func failed(_ request: Request, _ error: any Error) -> Response {
        log.error("[http] \(request.method) \(request.path): handler error: \(error)")
        return Response.error(500, "the handler for \(request.path) failed", json: request.wantsJSON)
    }

    /// Whether the client wants an error as JSON (``Request/wantsJSON``), from the head alone.
    private func wantsJSON(_ head: HTTPRequestHead) -> Bool {
        let path = decodePathSegments(head.path).map { "/" + $0.joined(separator: "/") } ?? head.path
        return Request(method: head.method, path: path, target: head.target, headers: head.headers).wantsJSON
    }

    private func staticFile(_ head: HTTPRequestHead) -> Response? {
        let headers = head.headers
        guard let file = staticFiles?.respond(method: head.method, rawPath: head.path, query: head.rawQuery, header: { headers[$0] }) else { return nil }
        return Response(status: file.status, headers: HTTPHeaders(file.headers), body: file.body)
    }

    // MARK: WebSocket handshake

    /// Validates the opening handshake for a request to a WebSocket route. A rejection of an
    /// upgrade attempt (`requested`) is plain text and closes; for a plain request to a
    /// WebSocket-only path it is an ordinary error page (JSON when asked for) on a connection
    /// that stays open.
    private func upgrade(_ head: HTTPRequestHead, segments: [String], match: RouteTable.WebSocketMatch, requested: Bool) -> Outcome {
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
            log.info("[ws] \(head.path): handshake rejected, \(rejection.status) \(rejection.message)")
            return .respond(response, close: requested)
        case .success(let value):
            accept = value
        }
        if let refusal = refusedOrigin(head) { return .respond(refusal, close: true) }
        let endpoint = match.endpoint
        let protocolIndex: Int?
        switch chooseSubprotocol(head, endpoint: endpoint) {
        case .success(let index): protocolIndex = index
        case .failure(let refusal): return .respond(refusal.response, close: true)
        }
        var params: [String: String] = [:]
        for pair in head.rawQuery.map({ QueryString.parse($0) }) ?? [] where params[pair.name] == nil {
            params[pair.name] = pair.value
        }
        params.merge(match.params) { _, path in path }
        let deflate = PerMessageDeflateNegotiation.negotiate(
            offers: head.headers.values("Sec-WebSocket-Extensions"), configuration: compression)
        let chosen = protocolIndex.map { [("Sec-WebSocket-Protocol", endpoint.protocols[$0])] } ?? []
        return .upgrade(WebSocketUpgrade(
            response: WebSocketHandshake.switchingProtocolsResponse(accept: accept, perMessageDeflate: deflate, extraHeaders: chosen),
            path: CanonicalPath.from(segments: segments), params: params, headers: head.headers,
            endpoint: endpoint, protocolIndex: protocolIndex, perMessageDeflate: deflate))
    }
}
