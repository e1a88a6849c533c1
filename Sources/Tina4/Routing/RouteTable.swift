/// A synchronous HTTP handler: gets the request and a blank response to build on.
public typealias HTTPHandler = @MainActor (Request, Response) throws -> Response
/// An asynchronous HTTP handler, for handlers that `await`.
public typealias AsyncHTTPHandler = @MainActor (Request, Response) async throws -> Response
/// A WebSocket handler: called with `.open`, each `.message`, then `.close`.
public typealias WebSocketHandler = @MainActor (WebSocketConnection, WebSocketEvent, WebSocketData) throws -> Void

/// The HTTP and WebSocket routes of an application.
///
/// Literal paths are found by a dictionary lookup; patterned paths are tried in the order they
/// were added. A trailing slash does not matter (`/chat/` is `/chat`).
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
        let handler: WebSocketHandler
    }

    private var literalHTTP: [String: [HTTPRoute]] = [:]    // by normalised path
    private var patternedHTTP: [HTTPRoute] = []
    private var literalWebSocket: [String: WebSocketRoute] = [:]
    private var patternedWebSocket: [WebSocketRoute] = []

    public init() {}

    func addHTTP(_ method: String, _ path: String, _ handler: Handler) {
        let pattern = RouteTable.compile(path)
        let route = HTTPRoute(method: method.uppercased(), pattern: pattern, handler: handler)
        if pattern.isLiteral {
            literalHTTP[pattern.description, default: []].removeAll { $0.method == route.method }
            literalHTTP[pattern.description, default: []].append(route)
        } else {
            patternedHTTP.removeAll { $0.method == route.method && $0.pattern == pattern }
            patternedHTTP.append(route)
        }
    }

    func addWebSocket(_ path: String, _ handler: @escaping WebSocketHandler) {
        let pattern = RouteTable.compile(path)
        let route = WebSocketRoute(pattern: pattern, handler: handler)
        if pattern.isLiteral {
            literalWebSocket[pattern.description] = route
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
        if let routes = literalHTTP["/" + segments.joined(separator: "/")] {
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

    /// Finds the WebSocket handler for decoded `segments`.
    func matchWebSocket(segments: [String]) -> (handler: WebSocketHandler, route: String, params: [String: String])? {
        if let route = literalWebSocket["/" + segments.joined(separator: "/")] {
            return (route.handler, route.pattern.description, [:])
        }
        for route in patternedWebSocket {
            if let params = route.pattern.match(segments) { return (route.handler, route.pattern.description, params) }
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
    /// Adds a WebSocket route to this table.
    public func websocket(_ path: String, _ handler: @escaping WebSocketHandler) { addWebSocket(path, handler) }
}
