/// Why a client's opening handshake was refused, as the HTTP response to send instead of 101.
///
/// ```swift
/// switch WebSocketHandshake.validate(method: "POST", versionMajor: 1, versionMinor: 1, headerValues: lookup) {
/// case .success(let accept): write(WebSocketHandshake.switchingProtocolsResponse(accept: accept))
/// case .failure(let rejection): write(rejection.httpResponse())   // 405, Allow: GET
/// }
/// ```
public struct WebSocketHandshakeRejection: Error, Sendable, Equatable {
    /// 400, 405 or 426.
    public var status: Int
    /// Headers the response must carry (`Allow`, `Upgrade`, `Sec-WebSocket-Version`).
    public var headers: [(String, String)]
    /// A short plain-text explanation for the response body.
    public var message: String

    public init(status: Int, headers: [(String, String)] = [], message: String) {
        self.status = status
        self.headers = headers
        self.message = message
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message
            && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// A complete HTTP/1.1 response: status line, `headers`, a plain-text body of `message`,
    /// and `Connection: close` (the connection is not reused after a failed upgrade).
    public func httpResponse() -> [UInt8] {
        let body = message + "\n"
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 426: return "Upgrade Required"
        case 505: return "HTTP Version Not Supported"
        default: return "Error"
        }
    }
}
