/// The lifecycle events a WebSocket route handler receives, in this order: one `.open`, any
/// number of `.message`, exactly one `.close`.
public enum WebSocketEvent: String, Sendable {
    /// The handshake completed; `data` is empty.
    case open
    /// The client sent a whole message; `data` holds it.
    case message
    /// The connection is closing or closed; `data` is empty. The connection no longer counts in
    /// ``WebSocketConnection/connectionCount`` and no longer receives broadcasts.
    case close
}

/// The payload of a `.message` event: text (the usual case) or binary.
///
/// It reads as text wherever a string is expected, so the chapter's echo is one line:
/// ```swift
/// Router.websocket("/ws/echo") { connection, event, data in
///     if event == .message { connection.send("Echo: \(data)") }
/// }
/// ```
/// JSON messages parse with ``json``: `let message = data.json; let text = message?["text"]?.string ?? data.text`.
public struct WebSocketData: Sendable, Equatable, CustomStringConvertible {
    /// The text of a text message; empty for binary messages and for `.open`/`.close`.
    public let text: String
    /// The bytes of a binary message; empty for text messages.
    public let bytes: [UInt8]
    /// True when the client sent a binary message.
    public let isBinary: Bool

    /// A text payload.
    public init(text: String) {
        self.text = text
        self.bytes = []
        self.isBinary = false
    }

    /// A binary payload.
    public init(binary: [UInt8]) {
        self.text = ""
        self.bytes = binary
        self.isBinary = true
    }

    /// No payload (open and close events).
    public static let empty = WebSocketData(text: "")

    /// The text as JSON, or nil when it is not valid JSON (or the message was binary).
    public var json: JSON? { isBinary ? nil : try? JSON.parse(text) }

    /// Parses the text as JSON, throwing the parse error (with its byte offset).
    public func parseJSON() throws(JSONParseError) -> JSON { try JSON.parse(text) }

    /// The text (binary payloads describe themselves as `<N bytes>`).
    public var description: String { isBinary ? "<\(bytes.count) bytes>" : text }
}

extension WebSocketData: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(text: value) }
}
