/// One complete event decoded from the peer by ``WebSocketFrameDecoder``.
///
/// ```swift
/// for event in decoder.decode(bytes).events {
///     switch event {
///     case .text(let s): print("text", s)
///     case .binary(let b): print("binary", b.count)
///     case .ping(let p): send(WebSocketFrameEncoder.pong(p))
///     case .pong: break
///     case .close(let code, let reason): print("closed", code ?? 1005, reason)
///     }
/// }
/// ```
public enum WebSocketFrameEvent: Sendable, Equatable {
    /// A whole (reassembled) text message, UTF-8 validated.
    case text(String)
    /// A whole (reassembled) binary message.
    case binary([UInt8])
    /// A ping; its payload (≤ 125 bytes) is returned as-is.
    case ping([UInt8])
    /// A pong; its payload (≤ 125 bytes) is returned as-is.
    case pong([UInt8])
    /// A close frame; `code` is nil when the payload was empty.
    case close(code: UInt16?, reason: String)
}
