/// The two handshake checks that depend on the route and the server's settings rather than on
/// RFC 6455 alone: who may connect (`Origin`) and which subprotocol is spoken.
///
/// ```swift
/// if let refusal = refusedOrigin(head) { return .respond(refusal, close: true) }   // 403
/// let index = try chooseSubprotocol(head, endpoint: endpoint).get()                // nil: none agreed
/// ```
extension HTTPDispatcher {
    /// A 400 answering a `Sec-WebSocket-Protocol` element that is not a token.
    struct SubprotocolRefusal: Error {
        var response: Response
    }

    /// The 403 for a handshake whose `Origin` ``allowedOrigins`` refuses (logged with the
    /// origin escaped), or nil when it may proceed.
    func refusedOrigin(_ head: HTTPRequestHead) -> Response? {
        guard let allowedOrigins, !allowedOrigins.allows(headerValues: { head.headers.values($0) }) else { return nil }
        let origins = head.headers.values("Origin")
        let shown = origins.isEmpty ? "(none)" : origins.map(Self.escapedForLog).joined(separator: ", ")
        log.info("[ws] \(head.path): handshake refused, 403 origin \(shown) is not in TINA4_WS_ALLOWED_ORIGINS")
        routes.hub.metrics.webSocketRefused(.originRefused, path: head.path)
        return Response().text("origin not allowed\n", status: 403)
    }

    /// The index in `endpoint.protocols` of the first protocol the client offered that the
    /// route speaks (nil: none; logged when the client offered some), or a 400 for an offer
    /// that is not a list of tokens.
    func chooseSubprotocol(_ head: HTTPRequestHead, endpoint: WebSocketEndpoint) -> Result<Int?, SubprotocolRefusal> {
        let offered: [Substring]
        do {
            offered = try WebSocketSubprotocols.offered(in: head.headers.values("Sec-WebSocket-Protocol"))
        } catch {
            log.info("[ws] \(head.path): handshake rejected, 400 Sec-WebSocket-Protocol element \(Self.escapedForLog(error.element)) is not a token")
            return .failure(SubprotocolRefusal(response: Response().text("Sec-WebSocket-Protocol must list tokens (RFC 6455 §4.1)\n", status: 400)))
        }
        let index = WebSocketSubprotocols.choose(offered: offered, supported: endpoint.protocols)
        if !offered.isEmpty && index == nil {
            let supported = endpoint.protocols.isEmpty ? "none" : endpoint.protocols.joined(separator: ", ")
            log.info("[ws] \(head.path): client offered subprotocols \(offered.joined(separator: ", ")) but \(endpoint.route) supports \(supported);"
                     + " answering without Sec-WebSocket-Protocol (browsers then fail the connection)")
        }
        return .success(index)
    }

    /// A client's header value for a log line: its first 200 bytes, quoted, with quotes,
    /// backslashes and control characters escaped.
    private static func escapedForLog(_ value: String) -> String {
        String(decoding: value.utf8.prefix(200), as: UTF8.self).debugDescription
    }
}
