import Tina4

/// Display names in the room exercise, keyed by "room:connection-id" as in the chapter's solution.
@MainActor var roomUsers = [String: String]()

extension Demos {
    /// Chapter §12–13, the exercise: `/ws/room/{room_name}` with set-name, chat, join/leave and
    /// online counts. The page is `GET /room/{room_name}`.
    static func registerRoom() {
        Router.websocket("/ws/room/{room_name}") { connection, event, data in
            let room = connection.params["room_name"] ?? ""
            let key = "\(room):\(connection.id)"
            switch event {
            case .open:
                roomUsers[key] = "Anonymous"
                connection.sendJson([
                    "type": "system",
                    "message": #"Welcome to room: \#(room). Set your name with: {"type": "set-name", "name": "YourName"}"#,
                    "online": connection.connectionCount,
                ])
                connection.broadcast(JSON([
                    "type": "system", "message": "A new user joined", "online": connection.connectionCount,
                ]).serialized(), excludeSelf: true)
            case .message:
                guard let message = data.json, message.object != nil else {
                    connection.sendError(#"messages must be JSON objects such as {"type": "chat", "text": "hi"}"#)
                    return
                }
                guard let type = connection.optionalText("type", in: message, otherwise: "chat") else { return }
                switch type {
                case "set-name":
                    guard let newName = connection.requiredText("name", in: message) else { return }
                    let oldName = roomUsers[key] ?? "Anonymous"
                    let name = newName.trimmingWhitespace().cappedToUTF8Bytes(FieldLimits.nameBytes)
                    roomUsers[key] = name
                    connection.broadcast(JSON([
                        "type": "system", "message": "\(oldName) changed their name to \(name)",
                    ]).serialized())
                case "chat":
                    guard let text = connection.requiredText("text", in: message) else { return }
                    connection.broadcast(JSON([
                        "type": "chat", "from": roomUsers[key] ?? "Anonymous", "text": text.cappedToUTF8Bytes(FieldLimits.textBytes),
                        "timestamp": Timestamp.iso8601(),
                    ]).serialized())
                case let other:
                    connection.sendError("unknown message type '\(other)'; use set-name or chat")
                }
            case .close:
                let username = roomUsers.removeValue(forKey: key) ?? "Anonymous"
                connection.broadcast(JSON([
                    "type": "system", "message": "\(username) left the room", "online": connection.connectionCount,
                ]).serialized())
            }
        }
    }
}
