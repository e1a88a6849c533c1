/// The server side of the opening handshake (RFC 6455 §4.2), independent of any HTTP parser:
/// the caller passes the method, the version and a header lookup.
///
/// ```swift
/// let result = WebSocketHandshake.validate(method: request.method,
///                                          versionMajor: 1, versionMinor: 1,
///                                          headerValues: { request.headers.values($0) })
/// switch result {
/// case .success(let accept):
///     write(WebSocketHandshake.switchingProtocolsResponse(accept: accept))   // then speak frames
/// case .failure(let rejection):   // e.g. 405 with `Allow: GET`
///     answer(status: rejection.status, headers: rejection.headers, text: rejection.message)
/// }
/// ```
///
/// Status codes chosen, checked in the order of RFC 6455 §4.2.1:
///
/// | request                                        | response                                          |
/// |------------------------------------------------|---------------------------------------------------|
/// | method is not GET                              | 405, `Allow: GET`                                 |
/// | HTTP/1.0 or older                              | 400 (the RFC requires 1.1; 505 would say the server cannot speak 1.0, which it can) |
/// | no `Host`                                      | 400                                               |
/// | no `Upgrade` header at all                     | 426, `Upgrade: websocket`, `Connection: Upgrade`, `Sec-WebSocket-Version: 13` (a plain GET to a WebSocket endpoint; RFC 9110 §15.5.22 and §7.8) |
/// | `Upgrade` without the `websocket` token        | 400                                               |
/// | `Connection` without the `upgrade` token       | 400                                               |
/// | `Sec-WebSocket-Key` missing, repeated, or not base64 of 16 bytes | 400                             |
/// | `Sec-WebSocket-Version` missing or not `13`    | 426, `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2) |
public enum WebSocketHandshake {
    /// The GUID appended to the client's key before hashing (RFC 6455 §1.3).
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Sec-WebSocket-Accept for a client key: base64(SHA-1(key + GUID)).
    ///
    /// ```swift
    /// WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==")   // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    /// ```
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + guid).utf8)))
    }

    /// Validates a client's opening handshake (RFC 6455 §4.2.1). `headerValues` returns every
    /// value of a header, looked up by case-insensitive name ([] when absent). Returns the
    /// `Sec-WebSocket-Accept` value, or the response to send instead.
    public static func validate(method: String, versionMajor: Int, versionMinor: Int,
                                headerValues: (String) -> [String]) -> Result<String, WebSocketHandshakeRejection> {
        if method != "GET" {
            return .failure(.init(status: 405, headers: [("Allow", "GET")], message: "WebSocket upgrade requires GET"))
        }
        if versionMajor < 1 || (versionMajor == 1 && versionMinor < 1) {
            return .failure(.init(status: 400, message: "WebSocket upgrade requires HTTP/1.1 or later"))
        }
        if headerValues("Host").isEmpty {
            return .failure(.init(status: 400, message: "missing Host header"))
        }
        let upgrade = headerValues("Upgrade")
        if upgrade.isEmpty {
            return .failure(.init(status: 426,
                                  headers: [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13")],
                                  message: "connect with a WebSocket client (Upgrade: websocket, Sec-WebSocket-Version: 13)"))
        }
        if !HTTPTokenList.contains(upgrade, token: "websocket") {
            return .failure(.init(status: 400, message: "Upgrade header does not name websocket"))
        }
        if !HTTPTokenList.contains(headerValues("Connection"), token: "upgrade") {
            return .failure(.init(status: 400, message: "Connection header does not include Upgrade"))
        }
        let keys = headerValues("Sec-WebSocket-Key")
        guard keys.count == 1 else {
            return .failure(.init(status: 400, message: keys.isEmpty ? "missing Sec-WebSocket-Key" : "more than one Sec-WebSocket-Key"))
        }
        let key = HTTPTokenList.trimmed(keys[0])
        guard let nonce = Base64.decode(key), nonce.count == 16 else {
            return .failure(.init(status: 400, message: "Sec-WebSocket-Key is not base64 of 16 bytes"))
        }
        let versions = headerValues("Sec-WebSocket-Version")
        guard versions.count == 1, HTTPTokenList.trimmed(versions[0]) == "13" else {
            return .failure(.init(status: 426, headers: [("Sec-WebSocket-Version", "13")],
                                  message: "unsupported Sec-WebSocket-Version: this server speaks 13"))
        }
        return .success(acceptValue(forKey: key))
    }

    /// The 101 response, with `Sec-WebSocket-Extensions` naming the agreed permessage-deflate
    /// parameters when there is an agreement (``PerMessageDeflateNegotiation``).
    ///
    /// ```swift
    /// let agreed = PerMessageDeflateNegotiation.negotiate(offers: request.headers.values("Sec-WebSocket-Extensions"),
    ///                                                     configuration: configuration.compression)
    /// let bytes = WebSocketHandshake.switchingProtocolsResponse(accept: accept, perMessageDeflate: agreed)
    /// ```
    public static func switchingProtocolsResponse(accept: String, perMessageDeflate: PerMessageDeflate?,
                                                  extraHeaders: [(String, String)] = []) -> [UInt8] {
        var headers = extraHeaders
        if let perMessageDeflate { headers.append(("Sec-WebSocket-Extensions", perMessageDeflate.responseHeaderValue)) }
        return switchingProtocolsResponse(accept: accept, extraHeaders: headers)
    }

    /// The 101 response that completes the handshake, as bytes. Extra header names and values
    /// are written as given and must not contain CR or LF.
    ///
    /// ```swift
    /// let bytes = WebSocketHandshake.switchingProtocolsResponse(accept: accept,
    ///                                                           extraHeaders: [("Sec-WebSocket-Protocol", "chat")])
    /// ```
    public static func switchingProtocolsResponse(accept: String, extraHeaders: [(String, String)] = []) -> [UInt8] {
        var head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }
}
