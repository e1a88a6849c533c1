import Tina4

extension Demos {
    /// Chapter §6, "Broadcast Excluding Sender": on `/ws/relay` the sender of `{"text": "hi"}`
    /// gets a `sent` confirmation and everyone else on the path gets the `message`.
    static func registerRelay() {
        Router.websocket("/ws/relay") { connection, event, data in
            guard event == .message else { return }
            guard let message = data.json, message.object != nil else {
                connection.sendError(#"expected JSON such as {"username": "Ann", "text": "hi"}"#)
                return
            }
            guard let username = connection.optionalText("username", in: message, otherwise: "Anonymous"),
                  let fullText = connection.requiredText("text", in: message) else { return }
            let from = username.cappedToUTF8Bytes(FieldLimits.nameBytes), text = fullText.cappedToUTF8Bytes(FieldLimits.textBytes)
            // Send to sender (confirmation)
            connection.sendJson(["type": "sent", "text": text])
            // Send to everyone else
            connection.broadcast(JSON([
                "type": "message", "from": from, "text": text, "timestamp": Timestamp.iso8601(),
            ]).serialized(), excludeSelf: true)
        }
    }
}
