/// One WebSocket route as its connections see it: the pattern as written (for log lines), the
/// handler and the subprotocols it speaks. Shared by every connection on the route, so a
/// connection holds one reference instead of the pattern string and the handler closure.
///
/// ```swift
/// Router.websocket("/ws/chat/{room}", protocols: ["chat.v2", "chat.v1"]) { connection, event, data in
///     if event == .open { connection.send("speaking \(connection.protocol ?? "no subprotocol")") }
/// }
/// ```
@MainActor
final class WebSocketEndpoint {
    /// The route pattern as written: `/ws/chat/{room}`.
    let route: String
    let handler: WebSocketHandler
    /// The subprotocols the route speaks; the client's order of preference decides which one
    /// a connection gets (``WebSocketSubprotocols/choose(offered:supported:)``).
    let protocols: [String]

    init(route: String, protocols: [String] = [], handler: @escaping WebSocketHandler) {
        self.route = route
        self.protocols = protocols
        self.handler = handler
    }
}
