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
                    connection.sendJson(["type": "error", "message": "expected a JSON object, e.g. {\"type\":\"mark-read\",\"id\":1}"])
                    return
                }
                if message["type"]?.string == "mark-read" {
                    Log.shared.info("[Notifications] User \(userID) read notification \(message["id"] ?? .null)")
                }
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
