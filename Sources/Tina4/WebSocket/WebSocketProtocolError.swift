/// A protocol violation found by ``WebSocketFrameDecoder``: the server must send a close
/// frame with `code` and stop reading.
///
/// ```swift
/// do {
///     events = try decoder.decode(bytes)
/// } catch {
///     send(WebSocketFrameEncoder.close(code: error.code, reason: error.reason))
/// }
/// ```
public struct WebSocketProtocolError: Error, Sendable, Equatable {
    /// The close code to send to the peer.
    public var code: WebSocketCloseCode
    /// Short, specific, at most 123 bytes of UTF-8 so it fits a close frame.
    public var reason: String

    public init(code: WebSocketCloseCode, reason: String) {
        self.code = code
        self.reason = reason
    }
}
