/// What went wrong in a ``WebSocketClient`` call.
///
/// ```swift
/// do {
///     let client = try WebSocketClient(url: "ws://localhost:7145/ws/chat")
///     print(try client.receiveText())
/// } catch .handshakeFailed(let status, let body) {
///     print("refused with \(status): \(body)")
/// } catch {
///     print(error)          // e.g. "timed out"
/// }
/// ```
public enum WebSocketClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be used (bad syntax, `wss://`, a fragment, ...).
    case invalidURL(String)
    /// Name resolution or the TCP connection failed.
    case connectFailed(String)
    /// The server answered the upgrade with something other than 101.
    case handshakeFailed(status: Int, body: String)
    /// Nothing arrived (or could be sent) in time.
    case timeout
    /// The server's close frame arrived (and was answered); `code` is nil for an empty payload.
    case closed(code: UInt16?, reason: String)
    /// The TCP connection ended without a close frame (or `disconnect()` was called).
    case connectionLost
    /// The server broke the protocol (bad frame, bad 101 response); the client sent a close.
    case protocolError(String)
    /// A different event arrived than the call expected.
    case unexpected(String)

    public var description: String {
        switch self {
        case .invalidURL(let why): return "invalid WebSocket URL: \(why)"
        case .connectFailed(let why): return "could not connect: \(why)"
        case .handshakeFailed(let status, let body): return "handshake refused with HTTP \(status): \(body)"
        case .timeout: return "timed out"
        case .closed(let code, let reason):
            return "connection closed by the server (\(code.map(String.init) ?? "no code")\(reason.isEmpty ? "" : ": \(reason)"))"
        case .connectionLost: return "connection lost without a close frame"
        case .protocolError(let why): return "protocol error: \(why)"
        case .unexpected(let what): return "unexpected \(what)"
        }
    }
}
