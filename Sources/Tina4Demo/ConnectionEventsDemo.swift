import Tina4

extension Demos {
    /// Chapter §4, connection events: `/ws/notifications` logs each open, message and close,
    /// welcomes with the connection id and answers `{"type": "ping"}` with a `pong`. It is a
    /// different path from `/ws/notifications/{user_id}`, so order pushes never reach it.
    static func registerConnectionEvents() {
        Router.websocket("/ws/notifications") { connection, event, data in
            switch event {
            case .open:
                Log.shared.info("Client connected: \(connection.id)")
                connection.sendJson([
                    "type": "welcome", "message": "Connected to notifications", "connection_id": connection.id,
                ])
            case .message:
                Log.shared.info("Received from \(connection.id): \(data)")
                guard let message = data.json, message.object != nil else {
                    connection.sendError(#"expected JSON such as {"type": "ping"}"#)
                    return
                }
                guard let type = connection.requiredText("type", in: message) else { return }
                if type == "ping" {
                    connection.sendJson(["type": "pong", "timestamp": Timestamp.iso8601()])
                } else {
                    connection.sendError("unknown message type '\(type)'; use ping")
                }
            case .close:
                Log.shared.info("Client disconnected: \(connection.id)")
            }
        }
    }
}
