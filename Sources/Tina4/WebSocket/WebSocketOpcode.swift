/// The 4-bit opcode of a WebSocket frame (RFC 6455 §5.2).
///
/// Opcodes 3–7 and 11–15 are reserved; a frame carrying one is a protocol error (1002),
/// so `WebSocketOpcode(rawValue:)` returns nil for them.
///
/// ```swift
/// let op = WebSocketOpcode(rawValue: 0x9)   // .ping
/// op?.isControl                             // true
/// ```
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0
    case text = 1
    case binary = 2
    case close = 8
    case ping = 9
    case pong = 10

    /// Close, ping and pong: at most 125 bytes of payload, never fragmented.
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
