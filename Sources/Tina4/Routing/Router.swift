/// Registers routes and reaches WebSocket clients from anywhere in the application.
///
/// ```swift
/// Router.get("/hello/{name}") { request, response in
///     response.text("Hello, \(request.params["name"] ?? "")!")
/// }
/// Router.websocket("/ws/echo") { connection, event, data in
///     if event == .message { connection.send("Echo: \(data)") }
/// }
/// Router.post("/api/orders/{order_id:int}/ship") { request, response in
///     let delivered = Router.pushToWebSocket("/ws/notifications/\(request.body["user_id"] ?? 0)",
///                                            #"{"type":"notification","title":"Order Shipped"}"#)
///     return response.json(["message": "Order shipped, user notified", "delivered": delivered], status: 201)
/// }
/// ```
@MainActor
public enum Router {
    /// The routes `tina4 serve` answers with (a ``Server`` serves these unless given others).
    public static let routes = RouteTable()
    /// The open WebSockets of every server serving ``routes``: `Router.routes.hub`.
    public static var hub: WebSocketHub { routes.hub }

    // Each forwards to the same overload of ``routes`` (``RouteTable``): one registration path.
    public static func get(_ path: String, _ handler: @escaping HTTPHandler) { routes.get(path, handler) }
    public static func post(_ path: String, _ handler: @escaping HTTPHandler) { routes.post(path, handler) }
    public static func put(_ path: String, _ handler: @escaping HTTPHandler) { routes.put(path, handler) }
    public static func patch(_ path: String, _ handler: @escaping HTTPHandler) { routes.patch(path, handler) }
    public static func delete(_ path: String, _ handler: @escaping HTTPHandler) { routes.delete(path, handler) }

    public static func get(_ path: String, _ handler: @escaping AsyncHTTPHandler) { routes.get(path, handler) }
    public static func post(_ path: String, _ handler: @escaping AsyncHTTPHandler) { routes.post(path, handler) }
    public static func put(_ path: String, _ handler: @escaping AsyncHTTPHandler) { routes.put(path, handler) }
    public static func patch(_ path: String, _ handler: @escaping AsyncHTTPHandler) { routes.patch(path, handler) }
    public static func delete(_ path: String, _ handler: @escaping AsyncHTTPHandler) { routes.delete(path, handler) }

    /// Adds a WebSocket route. Path parameters use `{name}` like HTTP routes.
    public static func websocket(_ path: String, _ handler: @escaping WebSocketHandler) {
        routes.websocket(path, handler)
    }

    /// Adds a WebSocket route speaking the subprotocols `protocols`: the server answers the
    /// first one the client offered (`new WebSocket(url, ["chat.v1"])`) that the route supports,
    /// and `connection.protocol` says which (nil when the client offered none of them).
    /// ```swift
    /// Router.websocket("/ws/chat", protocols: ["chat.v2", "chat.v1"]) { connection, event, data in
    ///     if event == .message && connection.protocol == "chat.v2" { connection.send(data.text) }
    /// }
    /// ```
    public static func websocket(_ path: String, protocols: [String], _ handler: @escaping WebSocketHandler) {
        routes.websocket(path, protocols: protocols, handler)
    }

    /// Sends `message` to every open WebSocket connected to exactly `path` on the servers
    /// serving ``routes`` (``hub``); returns how many. A server given a ``RouteTable`` of its own
    /// pushes with that table's ``RouteTable/pushToWebSocket(_:_:)``.
    ///
    /// `path` is compared in its ``CanonicalPath`` form, the form of `connection.path`: segments
    /// are percent-decoded, so `"/ws/chat/my room"` and `"/ws/chat/my%20room"` reach the same
    /// room. A `/` inside a segment must be encoded (`PercentEncoding.encode(room)`).
    /// ```swift
    /// let delivered = Router.pushToWebSocket("/ws/notifications/\(userID)", #"{"type":"notification"}"#)
    /// ```
    @discardableResult
    public static func pushToWebSocket(_ path: String, _ message: String) -> Int {
        routes.pushToWebSocket(path, message)
    }

    /// Sends a JSON value to every open WebSocket connected to exactly `path`; returns how many.
    @discardableResult
    public static func pushToWebSocket(_ path: String, _ message: JSON) -> Int {
        routes.pushToWebSocket(path, message)
    }
}

extension Tina4 {
    /// Shorthand for ``Router/websocket(_:_:)``.
    @MainActor
    public static func websocket(_ path: String, _ handler: @escaping WebSocketHandler) {
        Router.websocket(path, handler)
    }
}
