/// A protocol violation found by ``WebSocketFrameDecoder`` (the `error` of a
/// ``WebSocketDecodeResult``): the server must send a close frame with `code` and stop reading.
///
/// ```swift
/// let result = decoder.decode(bytes)
/// result.events.forEach(handle)
/// if let error = result.error {
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
