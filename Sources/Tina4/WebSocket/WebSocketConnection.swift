import FoundationEssentials

/// One client's WebSocket, as a route handler sees it.
///
/// ```swift
/// Router.websocket("/ws/chat/{room}") { connection, event, data in
///     let room = connection.params["room"] ?? ""
///     switch event {
///     case .open:
///         connection.broadcast(JSON(["type": "system", "message": "Someone joined room \(room)",
///                                    "online": connection.connectionCount]).serialized())
///     case .message:
///         connection.broadcast(data.text)                       // everyone on /ws/chat/<room>, sender too
///     case .close:
///         connection.broadcast(#"{"type":"system","message":"Someone left"}"#, excludeSelf: true)
///     }
/// }
/// ```
@MainActor
public final class WebSocketConnection {
    /// A unique, URL-safe identifier (15 characters).
    public let id: String
    /// The path the client connected to, in its ``CanonicalPath`` form: the scope of
    /// ``broadcast(_:excludeSelf:)``, ``connectionCount`` and `Router.pushToWebSocket`.
    /// Each segment is percent-decoded, then only `%` and `/` are escaped again, so
    /// `/ws/chat/%61` joins `/ws/chat/a`, `/ws/chat/my%20room` is `/ws/chat/my room`, and
    /// `/ws/chat/a%2Fb` stays one segment: `/ws/chat/a%2Fb` (its `room` parameter is `a/b`).
    public let path: String
    /// Path parameters, then query parameters (`?token=…`); a path parameter wins a clash.
    public let params: [String: String]
    /// The headers of the opening handshake (Origin, Cookie, User-Agent…).
    public let headers: HTTPHeaders

    /// Where frames go (the server's session); nil once the socket is gone.
    weak var session: (any WebSocketPeer)?
    unowned let hub: WebSocketHub
    /// The index of this connection in its hub group (for O(1) removal), or -1 when not in one.
    var hubIndex = -1

    init(id: String, path: String, params: [String: String], headers: HTTPHeaders, hub: WebSocketHub) {
        self.id = id
        self.path = path
        self.params = params
        self.headers = headers
        self.hub = hub
    }

    /// True until the connection starts closing (after which sends are dropped).
    public var isOpen: Bool { session?.isOpen ?? false }

    /// Sends a text message to this client only.
    public func send(_ text: String) {
        guard let session else { return }
        session.send(OutgoingBytes(CompressedFrameEncoder.text(text, outbound: session.outboundCompression)))
    }

    /// Sends a binary message to this client only.
    public func send(_ bytes: [UInt8]) {
        guard let session else { return }
        session.send(OutgoingBytes(CompressedFrameEncoder.binary(bytes, outbound: session.outboundCompression)))
    }

    /// Sends a JSON value as a text message (`value.jsonValue` converts other Swift values).
    public func sendJson(_ value: JSON) {
        send(value.serialized())
    }

    /// Sends a JSON object written as literal pairs, keys in the order written:
    /// `connection.sendJson(["type": "welcome", "connection_id": connection.id])`.
    public func sendJson(_ pairs: KeyValuePairs<String, any JSONConvertible>) {
        send(JSON(pairs).serialized())
    }

    /// Sends an `Encodable` value as JSON text (keys sorted, for a stable output).
    public func sendJson(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        send(String(decoding: try encoder.encode(value), as: UTF8.self))  // JSONEncoder emits valid UTF-8
    }

    /// Sends a text message to every open connection on the same path; `excludeSelf` leaves this one out.
    /// Returns how many connections it was queued for.
    @discardableResult
    public func broadcast(_ text: String, excludeSelf: Bool = false) -> Int {
        hub.broadcast(text: text, toPath: path, excluding: excludeSelf ? self : nil)
    }

    /// Sends a binary message to every open connection on the same path.
    @discardableResult
    public func broadcast(_ bytes: [UInt8], excludeSelf: Bool = false) -> Int {
        hub.broadcast(binary: bytes, toPath: path, excluding: excludeSelf ? self : nil)
    }

    /// How many open connections share this path (this one included while it is open).
    public var connectionCount: Int { hub.count(path: path) }

    /// Closes the connection with a close frame (1000 by default). The `.close` event fires once;
    /// the TCP connection ends when the client answers, or after the close timeout.
    ///
    /// `code` must be one a server may send (1000–1003, 1007–1014, 3000–4999); another is logged
    /// and replaced by 1000. A reason longer than 123 bytes is cut at a character boundary.
    public func close(code: UInt16 = 1000, reason: String = "") {
        var closeCode = WebSocketCloseCode(rawValue: code)
        if !closeCode.isValidOnWire {
            Log.shared.warn("[ws] \(path) conn=\(id): close code \(code) may not be sent (RFC 6455 §7.4), sending 1000")
            closeCode = .normal
        }
        session?.close(code: closeCode, reason: reason)
    }
}
