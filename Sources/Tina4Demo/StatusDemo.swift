import Tina4

extension Demos {
    /// Chapter §6 "Sending JSON": `/ws/status` uses `sendJson` for a welcome and an ack of each message.
    static func registerStatus() {
        Router.websocket("/ws/status") { connection, event, data in
            switch event {
            case .open: connection.sendJson(["type": "welcome", "connection_id": connection.id])
            case .message:
                if data.isBinary {
                    connection.sendError("binary messages are not supported here; send text or JSON")
                } else {
                    connection.sendJson(["type": "ack", "received": data.text])
                }
            case .close: break
            }
        }
    }
}
