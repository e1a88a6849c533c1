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
                    connection.sendError("binary messages are not supported here; send text or JSON")
                    return
                }
                // JSON such as {"username": "Ann", "text": "hi"}; any other text is the message itself.
                var from = "Anonymous", text = data.text
                if let message = data.json, message.object != nil {
                    guard let username = connection.optionalText("username", in: message, otherwise: "Anonymous"),
                          let messageText = connection.requiredText("text", in: message) else { return }
                    (from, text) = (username.cappedToUTF8Bytes(FieldLimits.nameBytes), messageText)
                } else if text.trimmingWhitespace().isEmpty {
                    connection.sendError("the message must not be empty")
                    return
                }
                connection.broadcast(JSON([
                    "type": "message", "room": room, "from": from, "text": text.cappedToUTF8Bytes(FieldLimits.textBytes),
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
