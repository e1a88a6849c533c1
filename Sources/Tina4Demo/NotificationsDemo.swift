import Tina4

extension Demos {
    /// Chapter §9, live notifications: a user listens on `/ws/notifications/{user_id}`, and
    /// `POST /api/orders/{order_id:int}/ship` with `{"user_id": 7}` pushes to that user only.
    ///
    /// ```
    /// curl -X POST localhost:7149/api/orders/1001/ship -H 'Content-Type: application/json' -d '{"user_id": 7}'
    /// ```
    static func registerNotifications() {
        Router.websocket("/ws/notifications/{user_id}") { connection, event, data in
            let userID = connection.params["user_id"] ?? ""
            switch event {
            case .open:
                Log.shared.info("[Notifications] User \(userID) connected")
                connection.sendJson(["type": "connected", "message": "Listening for notifications"])
            case .message:
                guard let message = data.json, message.object != nil else {
                    connection.sendError(#"expected a JSON object such as {"type": "mark-read", "id": 1}"#)
                    return
                }
                guard let type = connection.requiredText("type", in: message) else { return }
                guard type == "mark-read" else {
                    connection.sendError("unknown message type '\(type)'; use mark-read")
                    return
                }
                guard let id = message["id"], id.int != nil || id.string?.isEmpty == false else {
                    connection.sendError(#"mark-read needs the notification's "id", a number or a string"#)
                    return
                }
                Log.shared.info("[Notifications] User \(userID) read notification \(id)")
            case .close:
                Log.shared.info("[Notifications] User \(userID) disconnected")
            }
        }

        Router.post("/api/orders/{order_id:int}/ship") { request, response in
            let orderID = request.params["order_id"] ?? ""
            // Required (the chapter's `?? 0` would notify user 0), and the path uses the number
            // itself, so "007" or "+7" reach user 7.
            guard let userID = request.body["user_id"]?.int else {
                return response.json(["error": "user_id is required and must be a whole number", "status": 400], status: 400)
            }
            let delivered = Router.pushToWebSocket("/ws/notifications/\(userID)", JSON([
                "type": "notification",
                "title": "Order Shipped",
                "message": "Your order #\(orderID) has been shipped!",
                "action_url": "/orders/\(orderID)",
                "timestamp": Timestamp.iso8601(),
            ]))
            return response.json(["message": "Order shipped, user notified", "delivered": delivered], status: 201)
        }
    }
}
