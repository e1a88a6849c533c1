import Tina4

extension Demos {
    /// Chapter §3: `/ws/echo` answers every message with `Echo: <message>`. It also speaks the
    /// subprotocol `echo.v1` for a client that asks for it (`new WebSocket(url, ["echo.v1"])`):
    /// the same echo, with the protocol agreed in the handshake.
    static func registerEcho() {
        Router.websocket("/ws/echo", protocols: ["echo.v1"]) { connection, event, data in
            if event == .message {
                connection.send("Echo: \(data)")
            }
        }
    }
}
