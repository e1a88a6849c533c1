import Tina4

extension Demos {
    /// Chapter §3: `/ws/echo` answers every message with `Echo: <message>`.
    static func registerEcho() {
        Router.websocket("/ws/echo") { connection, event, data in
            if event == .message {
                connection.send("Echo: \(data)")
            }
        }
    }
}
