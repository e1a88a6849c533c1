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
                    connection.sendJson(["type": "error", "message": "messages must be JSON objects with a type"])
                    return
                }
                let username = chatUsers[connection.id]?.username ?? "Anonymous"
                switch message["type"]?.string ?? "message" {
                case "set-username":
                    guard let newName = message["username"]?.string?.trimmingWhitespace(), !newName.isEmpty else {
                        connection.sendJson(["type": "error", "message": "set-username needs a non-empty username"])
                        return
                    }
                    chatUsers[connection.id]?.username = String(newName.prefix(40))
                    connection.broadcast(JSON([
                        "type": "system", "message": "\(username) is now known as \(newName.prefix(40))",
                        "online": connection.connectionCount,
                    ]).serialized())
                case "message":
                    connection.broadcast(JSON([
                        "type": "message", "from": username, "from_id": connection.id,
                        "text": message["text"]?.string ?? "", "timestamp": Timestamp.iso8601(),
                    ]).serialized())
                case "typing":
                    connection.broadcast(JSON(["type": "typing", "username": username]).serialized(), excludeSelf: true)
                case let other:
                    connection.sendJson(["type": "error", "message": "unknown message type '\(other)'"])
                }
            case .close:
                let username = chatUsers.removeValue(forKey: connection.id)?.username ?? "Unknown"
                connection.broadcast(JSON([
                    "type": "system", "message": "\(username) left the chat", "online": connection.connectionCount,
                ]).serialized())
            }
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
