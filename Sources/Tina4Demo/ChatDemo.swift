import Tina4

extension Demos {
    /// Chapter §4, "A Complete Handler": `/ws/chat` welcomes with `your_id` and answers each
    /// message with it, a sender id and a timestamp.
    static func registerChat() {
        Router.websocket("/ws/chat") { connection, event, data in
            switch event {
            case .open:
                Log.shared.info("[Chat] New connection: \(connection.id)")
                connection.sendJson(["type": "system", "message": "Welcome to the chat!", "your_id": connection.id])
            case .message:
                if data.isBinary {
                    connection.sendError("binary messages are not supported here; send text or JSON")
                    return
                }
                // {"text": "hi"}, or any other text as it came (the chapter's `message.text ?? data`).
                var text = data.text
                if let message = data.json, message.object != nil {
                    guard let messageText = connection.requiredText("text", in: message) else { return }
                    text = messageText
                } else if text.trimmingWhitespace().isEmpty {
                    connection.sendError("the message must not be empty")
                    return
                }
                Log.shared.info("[Chat] \(connection.id): \(text)")
                connection.sendJson([
                    "type": "message", "from": connection.id, "text": text, "timestamp": Timestamp.iso8601(),
                ])
            case .close:
                Log.shared.info("[Chat] Disconnected: \(connection.id)")
            }
        }
    }
}
