@testable import Tina4

extension WebSocketHandshakeRejection {
    /// A complete HTTP/1.1 response: status line, `headers`, a plain-text body of `message`, and
    /// `Connection: close`. For test servers that answer a handshake without the framework's
    /// dispatcher (which builds its own ``Response`` from the rejection).
    func httpResponse() -> [UInt8] {
        let body = message + "\n"
        var head = "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }
}
