/// Why a client's opening handshake was refused, as the HTTP response to send instead of 101.
///
/// ```swift
/// switch WebSocketHandshake.validate(method: "POST", versionMajor: 1, versionMinor: 1, headerValues: lookup) {
/// case .success(let accept): write(WebSocketHandshake.switchingProtocolsResponse(accept: accept))
/// case .failure(let rejection):   // 405, headers [("Allow", "GET")]
///     let response = Response().text(rejection.message + "\n", status: rejection.status)
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
}
