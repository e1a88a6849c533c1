import Tina4

extension Demos {
    /// Chapter §6, broadcasting: `/ws/announcements` tells everyone when someone joins or leaves
    /// (with `online_count`) and relays each announcement to every client, sender included.
    static func registerAnnouncements() {
        Router.websocket("/ws/announcements") { connection, event, data in
            switch event {
            case .open:
                connection.broadcast(JSON([
                    "type": "system", "message": "A new user joined", "online_count": connection.connectionCount,
                ]).serialized())
            case .message:
                guard let message = data.json, message.object != nil else {
                    connection.sendError(#"expected JSON such as {"text": "Hello"}"#)
                    return
                }
                guard let text = connection.requiredText("text", in: message) else { return }
                connection.broadcast(JSON([
                    "type": "announcement", "from": connection.id, "text": text.cappedToUTF8Bytes(FieldLimits.textBytes),
                    "timestamp": Timestamp.iso8601(),
                ]).serialized())
            case .close:
                connection.broadcast(JSON([
                    "type": "system", "message": "A user left", "online_count": connection.connectionCount,
                ]).serialized())
            }
        }
    }
}
