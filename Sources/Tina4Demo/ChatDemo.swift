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
                // The chapter's `message.text ?? data`: the "text" of a JSON object when it has
                // one, otherwise the message exactly as it came (`{"type": "ping"}` is echoed whole).
                var text = data.text
                if let message = data.json, message.object != nil, let field = message["text"], !field.isNull {
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
