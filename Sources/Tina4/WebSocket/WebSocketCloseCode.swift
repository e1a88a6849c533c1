/// A close status code (RFC 6455 §7.4).
///
/// ```swift
/// let code = WebSocketCloseCode.messageTooBig   // 1009
/// code.isValidOnWire                            // true
/// WebSocketCloseCode(rawValue: 1005).isValidOnWire   // false: 1005 is never sent
/// ```
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The purpose of the connection was fulfilled.
    public static let normal = WebSocketCloseCode(rawValue: 1000)
    /// The endpoint is going away (server shutdown, page navigated away).
    public static let goingAway = WebSocketCloseCode(rawValue: 1001)
    /// The peer broke the protocol.
    public static let protocolError = WebSocketCloseCode(rawValue: 1002)
    /// The endpoint cannot accept this kind of data (e.g. binary on a text-only socket).
    public static let unsupportedData = WebSocketCloseCode(rawValue: 1003)
    /// No status code was present. Reported locally only, never sent.
    public static let noStatus = WebSocketCloseCode(rawValue: 1005)
    /// The connection dropped without a close frame. Reported locally only, never sent.
    public static let abnormal = WebSocketCloseCode(rawValue: 1006)
    /// A text message was not valid UTF-8.
    public static let invalidPayload = WebSocketCloseCode(rawValue: 1007)
    /// The message broke the endpoint's policy.
    public static let policyViolation = WebSocketCloseCode(rawValue: 1008)
    /// The message was larger than the endpoint accepts.
    public static let messageTooBig = WebSocketCloseCode(rawValue: 1009)
    /// The client expected an extension the server did not negotiate.
    public static let mandatoryExtension = WebSocketCloseCode(rawValue: 1010)
    /// The server hit an unexpected condition.
    public static let internalError = WebSocketCloseCode(rawValue: 1011)
    /// The server is restarting; reconnect later.
    public static let serviceRestart = WebSocketCloseCode(rawValue: 1012)
    /// The server is overloaded; try again later.
    public static let tryAgainLater = WebSocketCloseCode(rawValue: 1013)

    /// Codes a peer may put on the wire: 1000–1003, 1007–1014, 3000–4999.
    ///
    /// 1004, 1005, 1006 and 1015 are reserved or local-only; 0–999, 1016–2999 and 5000+
    /// are not assigned for use on the wire.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(rawValue) }
}
