import Tina4

extension Demos {
    /// Chapter §7, path-scoped isolation: `/ws/chat/{room}`. Everyone in a room (sender included)
    /// sees its messages; other rooms see nothing.
    static func registerChatRooms() {
        Router.websocket("/ws/chat/{room}") { connection, event, data in
            let room = connection.params["room"] ?? ""
            switch event {
            case .open:
                Log.shared.info("[Room \(room)] New connection: \(connection.id)")
                connection.broadcast(JSON([
                    "type": "system", "message": "Someone joined room \(room)", "room": room,
                    "online": connection.connectionCount,
                ]).serialized())
            case .message:
                if data.isBinary {
                    connection.sendJson(["type": "error", "message": "binary messages are not supported here; send text or JSON"])
                    return
                }
                let message = data.json
                connection.broadcast(JSON([
                    "type": "message", "room": room,
                    "from": message?["username"]?.string ?? "Anonymous",
                    "text": message?["text"]?.string ?? (message == nil ? data.text : ""),
                    "timestamp": Timestamp.iso8601(),
                ]).serialized())
            case .close:
                connection.broadcast(JSON([
                    "type": "system", "message": "Someone left room \(room)", "room": room,
                    "online": connection.connectionCount,
                ]).serialized())
            }
        }
    }
}
