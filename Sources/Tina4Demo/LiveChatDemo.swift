import Tina4

/// A participant of the live chat (chapter §8).
struct ChatUser {
    let id: String
    var username: String
    let room: String
    let joinedAt: String
}

/// Who is in the live chat, by connection id. Plain main-actor state: handlers run there.
/// Entries are removed on close (gotcha 6: memory leaks from tracking users).
@MainActor var chatUsers = [String: ChatUser]()

extension Demos {
    /// Chapter §8, a live chat: `/ws/livechat/{room}` with usernames, typing indicators (not shown
    /// to the typist) and online counts. The page is `GET /chat/{room}`.
    static func registerLiveChat() {
        Router.websocket("/ws/livechat/{room}") { connection, event, data in
            let room = connection.params["room"] ?? ""
            switch event {
            case .open:
                chatUsers[connection.id] = ChatUser(id: connection.id, username: "Anonymous", room: room, joinedAt: Timestamp.iso8601())
                connection.sendJson([
                    "type": "welcome", "message": "Connected to room: \(room)", "your_id": connection.id,
                    "online": connection.connectionCount,
                ])
            case .message:
                guard let message = data.json, message.object != nil else {
                    connection.sendError(#"messages must be JSON objects such as {"type": "message", "text": "hi"}"#)
                    return
                }
                let username = chatUsers[connection.id]?.username ?? "Anonymous"
                guard let type = connection.optionalText("type", in: message, otherwise: "message") else { return }
                switch type {
                case "set-username":
                    guard let newName = connection.requiredText("username", in: message) else { return }
                    let shortName = newName.trimmingWhitespace().cappedToUTF8Bytes(FieldLimits.nameBytes)
                    chatUsers[connection.id]?.username = shortName
                    connection.broadcast(JSON([
                        "type": "system", "message": "\(username) is now known as \(shortName)",
                        "online": connection.connectionCount,
                    ]).serialized())
                case "message":
                    guard let text = connection.requiredText("text", in: message) else { return }
                    connection.broadcast(JSON([
                        "type": "message", "from": username, "from_id": connection.id,
                        "text": text.cappedToUTF8Bytes(FieldLimits.textBytes), "timestamp": Timestamp.iso8601(),
                    ]).serialized())
                case "typing":
                    connection.broadcast(JSON(["type": "typing", "username": username]).serialized(), excludeSelf: true)
                case let other:
                    connection.sendError("unknown message type '\(other)'; use set-username, message or typing")
                }
            case .close:
                let username = chatUsers.removeValue(forKey: connection.id)?.username ?? "Unknown"
                connection.broadcast(JSON([
                    // `left` names who went, so pages can clear that person's typing indicator.
                    "type": "system", "message": "\(username) left the chat", "left": username,
                    "online": connection.connectionCount,
                ]).serialized())
            }
        }
    }
}
