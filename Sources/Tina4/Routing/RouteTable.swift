/// A synchronous HTTP handler: gets the request and a blank response to build on.
public typealias HTTPHandler = @MainActor (Request, Response) throws -> Response
/// An asynchronous HTTP handler, for handlers that `await`.
public typealias AsyncHTTPHandler = @MainActor (Request, Response) async throws -> Response
/// A WebSocket handler: called with `.open`, each `.message`, then `.close`.
public typealias WebSocketHandler = @MainActor (WebSocketConnection, WebSocketEvent, WebSocketData) throws -> Void

/// The HTTP and WebSocket routes of an application, and the hub of its open WebSockets.
///
/// Literal paths are found by a dictionary lookup on their segments; patterned paths are tried in
/// the order they were added. Requests are matched segment by segment after decoding each one,
/// so `/api%2Fws-token` (one segment `api/ws-token`) never matches the route `/api/ws-token`.
///
/// A trailing slash means nothing, for HTTP and WebSocket routes alike: empty segments are not
/// segments, so `/chat/general/` is the route `/chat/general` and an upgrade to `/ws/chat/`
/// joins the `/ws/chat` route and its room (its `connection.path` is `/ws/chat`). There is no
/// redirect: a WebSocket client cannot follow one, and a page keeps working either way. A page
/// that wants a default, like `/chat` for `/chat/{room}`, registers that path and redirects.
///
/// Every ``Server`` serving a table uses the table's ``hub``: a push from one of its HTTP routes
/// reaches the WebSockets of those servers. ``Router`` is the process's default table.
/// ```swift
/// let routes = RouteTable()
/// routes.websocket("/ws/feed") { _, _, _ in }
/// routes.post("/feed") { request, response in
///     response.json(["delivered": routes.pushToWebSocket("/ws/feed", request.bodyText ?? "")])
/// }
/// let server = Server(routes: routes)
/// ```
@MainActor
public final class RouteTable {
    enum Handler {
        case sync(HTTPHandler)
        case async(AsyncHTTPHandler)
    }

    struct HTTPRoute {
        let method: String
        let pattern: RoutePattern
        let handler: Handler
    }

    struct WebSocketRoute {
        let pattern: RoutePattern
        let endpoint: WebSocketEndpoint
    }

    private var literalHTTP: [[String]: [HTTPRoute]] = [:]    // by literal segments
    private var patternedHTTP: [HTTPRoute] = []
    private var literalWebSocket: [[String]: WebSocketRoute] = [:]
    private var patternedWebSocket: [WebSocketRoute] = []

    /// The open WebSockets of every server serving this table, grouped by canonical path: where
    /// ``pushToWebSocket(_:_:)`` and `connection.broadcast` fan out.
    public let hub = WebSocketHub()

    public init() {}

    func addHTTP(_ method: String, _ path: String, _ handler: Handler) {
        let pattern = RouteTable.compile(path)
        let route = HTTPRoute(method: method.uppercased(), pattern: pattern, handler: handler)
        if let literal = pattern.literalSegments {
            literalHTTP[literal, default: []].removeAll { $0.method == route.method }
            literalHTTP[literal, default: []].append(route)
        } else {
            patternedHTTP.removeAll { $0.method == route.method && $0.pattern == pattern }
            patternedHTTP.append(route)
        }
    }

    func addWebSocket(_ path: String, protocols: [String] = [], _ handler: @escaping WebSocketHandler) {
        let pattern = RouteTable.compile(path)
        // Like a malformed pattern, a protocol name that no client could send is a bug to fix at start-up.
        if let bad = protocols.first(where: { !WebSocketSubprotocols.isValidName($0) }) {
            fatalError("WebSocket route \(path): subprotocol \(bad.debugDescription) is not a token (RFC 6455 §4.1)")
        }
        if protocols.count > WebSocketSubprotocols.maxPerRoute {
            fatalError("WebSocket route \(path): more than \(WebSocketSubprotocols.maxPerRoute) subprotocols")
        }
        let endpoint = WebSocketEndpoint(route: pattern.description, protocols: protocols, handler: handler)
        let route = WebSocketRoute(pattern: pattern, endpoint: endpoint)
        if let literal = pattern.literalSegments {
            literalWebSocket[literal] = route
        } else {
            patternedWebSocket.removeAll { $0.pattern == pattern }
            patternedWebSocket.append(route)
        }
    }

    /// Route patterns are written by the programmer: a malformed one is a bug to fix at start-up.
    private static func compile(_ path: String) -> RoutePattern {
        do {
            return try RoutePattern(path)
        } catch {
            fatalError("\(error)")
        }
    }

    /// What the table says about a request path and method.
    enum HTTPMatch {
        case found(Handler, params: [String: String])
        /// The path exists for other methods (for a 405 with `Allow`).
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// Finds the handler for `method` on decoded `segments`. HEAD falls back to GET.
    func matchHTTP(method: String, segments: [String]) -> HTTPMatch {
        var candidates: [(HTTPRoute, [String: String])] = []
        if let routes = literalHTTP[segments] {
            candidates = routes.map { ($0, [:]) }
        }
        for route in patternedHTTP {
            if let params = route.pattern.match(segments) { candidates.append((route, params)) }
        }
        if let hit = candidates.first(where: { $0.0.method == method }) {
            return .found(hit.0.handler, params: hit.1)
        }
        if method == "HEAD", let hit = candidates.first(where: { $0.0.method == "GET" }) {
            return .found(hit.0.handler, params: hit.1)
        }
        guard !candidates.isEmpty else { return .notFound }
        var allowed = Set(candidates.map { $0.0.method })
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    /// A WebSocket route that matched: its endpoint (pattern as written, handler, subprotocols)
    /// and its path parameters.
    typealias WebSocketMatch = (endpoint: WebSocketEndpoint, params: [String: String])

    /// Finds the WebSocket route for decoded `segments`.
    func matchWebSocket(segments: [String]) -> WebSocketMatch? {
        if let route = literalWebSocket[segments] {
            return (route.endpoint, [:])
        }
        for route in patternedWebSocket {
            if let params = route.pattern.match(segments) { return (route.endpoint, params) }
        }
        return nil
    }
}

extension RouteTable {
    /// Adds a GET route to this table (``Router/get(_:_:)-…`` adds to the default table).
    public func get(_ path: String, _ handler: @escaping HTTPHandler) { addHTTP("GET", path, .sync(handler)) }
    public func post(_ path: String, _ handler: @escaping HTTPHandler) { addHTTP("POST", path, .sync(handler)) }
    public func put(_ path: String, _ handler: @escaping HTTPHandler) { addHTTP("PUT", path, .sync(handler)) }
    public func patch(_ path: String, _ handler: @escaping HTTPHandler) { addHTTP("PATCH", path, .sync(handler)) }
    public func delete(_ path: String, _ handler: @escaping HTTPHandler) { addHTTP("DELETE", path, .sync(handler)) }
    public func get(_ path: String, _ handler: @escaping AsyncHTTPHandler) { addHTTP("GET", path, .async(handler)) }
    public func post(_ path: String, _ handler: @escaping AsyncHTTPHandler) { addHTTP("POST", path, .async(handler)) }
    public func put(_ path: String, _ handler: @escaping AsyncHTTPHandler) { addHTTP("PUT", path, .async(handler)) }
    public func patch(_ path: String, _ handler: @escaping AsyncHTTPHandler) { addHTTP("PATCH", path, .async(handler)) }
    public func delete(_ path: String, _ handler: @escaping AsyncHTTPHandler) { addHTTP("DELETE", path, .async(handler)) }
    /// Adds a WebSocket route to this table.
    public func websocket(_ path: String, _ handler: @escaping WebSocketHandler) { addWebSocket(path, handler) }
    /// Adds a WebSocket route that speaks the subprotocols `protocols` (tokens such as
    /// `chat.v1`): of those a client offers in `Sec-WebSocket-Protocol`, the first the route
    /// supports is answered and is `connection.protocol`.
    /// ```swift
    /// routes.websocket("/ws/chat", protocols: ["chat.v2", "chat.v1"]) { connection, event, _ in
    ///     if event == .open { connection.send(connection.protocol ?? "none") }
    /// }
    /// ```
    public func websocket(_ path: String, protocols: [String], _ handler: @escaping WebSocketHandler) {
        addWebSocket(path, protocols: protocols, handler)
    }

    /// The patterns of the WebSocket routes, sorted: `["/ws/chat/{room}", "/ws/echo"]`.
    public var webSocketPatterns: [String] {
        (literalWebSocket.values.map(\.pattern.description) + patternedWebSocket.map(\.pattern.description)).sorted()
    }

    /// Sends `message` to every open WebSocket of this table's servers connected to `path`;
    /// returns how many. `path` is compared in its ``CanonicalPath`` form, so
    /// `"/ws/chat/my room"` and `"/ws/chat/my%20room"` reach the same room; to put a `/` inside
    /// a segment, encode it: `"/ws/files/" + PercentEncoding.encode("a/b")`.
    @discardableResult
    public func pushToWebSocket(_ path: String, _ message: String) -> Int {
        hub.broadcast(text: message, toPath: CanonicalPath.of(path))
    }

    /// Sends a JSON value as text to every open WebSocket connected to `path`; returns how many.
    @discardableResult
    public func pushToWebSocket(_ path: String, _ message: JSON) -> Int {
        pushToWebSocket(path, message.serialized())
    }
}
