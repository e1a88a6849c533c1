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
///
/// One object per connection: this is also the server's session on the socket (the driver in
/// Server/WebSocketSession.swift), and its ``WebSocketConnectionMachine`` decides everything
/// about opening and closing. While idle it holds no buffer: the handshake headers are packed
/// into one allocation and the decoder keeps nothing between messages.
@MainActor
public final class WebSocketConnection {
    // Stored properties are ordered so that small ones fill the padding of the ones before.

    /// The protocol state: every open/close decision is made there.
    var machine: WebSocketConnectionMachine
    /// The agreed subprotocol as an index into `endpoint.protocols` (``noProtocol``: none): one
    /// byte in the padding at the end of `machine` (67 bytes) instead of a String per connection.
    private let protocolSlot: UInt8
    private static let noProtocol: UInt8 = .max
    /// The index of this connection in its hub group (for O(1) removal), or -1 when not in one.
    var hubIndex: Int32 = -1
    /// How messages to this client are compressed: the server → client side of its
    /// permessage-deflate agreement (nil: plain frames). 8 bytes with no heap, read once per
    /// receiver of a broadcast (``BroadcastFrames``); it sits in the padding after `hubIndex`.
    let outboundCompression: PerMessageDeflate.Outbound?
    /// A unique, URL-safe identifier (15 characters).
    public let id: String
    /// The path the client connected to, in its ``CanonicalPath`` form: the scope of
    /// ``broadcast(_:excludeSelf:)``, ``connectionCount`` and `Router.pushToWebSocket`.
    /// Each segment is percent-decoded, then only `%` and `/` are escaped again, so
    /// `/ws/chat/%61` joins `/ws/chat/a`, `/ws/chat/my%20room` is `/ws/chat/my room`, and
    /// `/ws/chat/a%2Fb` stays one segment: `/ws/chat/a%2Fb` (its `room` parameter is `a/b`).
    public let path: String
    /// The headers of the opening handshake (Origin, Cookie, User-Agent…), packed.
    public let headers: HTTPHeaders
    /// Path parameters, then query parameters (`?token=…`), packed like the headers.
    private let paramFields: HTTPHeaders
    unowned let hub: WebSocketHub
    /// Where frames go (the server's channel, or a recorder in tests); nil once the socket is gone.
    var transport: (any WebSocketTransport)?
    /// The route: its pattern (for log lines), handler and subprotocols, shared by its connections.
    let endpoint: WebSocketEndpoint
    /// Where log lines go: the server's log. (Held by value: a weak reference to the server
    /// would give it a side table and slow every retain of it on the hot path.)
    let log: Log
    /// The timer the machine armed (at most one at a time: each state arms its own kind).
    var timer: (kind: WebSocketConnectionMachine.TimerKind, token: TimerQueue.Token)?

    /// A connection on `transport`; ``start(leftover:)`` (Server/WebSocketSession.swift) opens it.
    /// `perMessageDeflate` is what the handshake agreed (nil: no compression either way).
    /// `protocolIndex` is the subprotocol agreed, an index into `endpoint.protocols`;
    /// `rateLimited`: its messages count against the server's ``ServerConfiguration/webSocketRateLimit``.
    init(id: String, path: String, params: [String: String], headers: HTTPHeaders, hub: WebSocketHub,
         transport: any WebSocketTransport, endpoint: WebSocketEndpoint, protocolIndex: Int? = nil,
         log: Log, maxMessageBytes: Int, closeTimeoutMilliseconds: UInt64, perMessageDeflate: PerMessageDeflate? = nil,
         rateLimited: Bool = false) {
        outboundCompression = perMessageDeflate?.outbound
        protocolSlot = protocolIndex.map { UInt8($0) } ?? Self.noProtocol
        self.id = id
        self.path = path
        self.paramFields = HTTPHeaders(params.map { ($0.key, $0.value) }).compacted()
        self.headers = headers.compacted()
        self.hub = hub
        self.transport = transport
        self.endpoint = endpoint
        self.log = log
        machine = WebSocketConnectionMachine(role: .server, maxMessageBytes: maxMessageBytes,
                                             closeTimeoutMilliseconds: closeTimeoutMilliseconds,
                                             perMessageDeflate: perMessageDeflate?.inbound, rateLimited: rateLimited,
                                             reportsFrames: log.minimum <= .debug)
    }

    /// A connection on a route of its own (unit tests): `route` is the pattern for log lines.
    convenience init(id: String, path: String, params: [String: String], headers: HTTPHeaders, hub: WebSocketHub,
                     transport: any WebSocketTransport, route: String, handler: @escaping WebSocketHandler,
                     log: Log, maxMessageBytes: Int, closeTimeoutMilliseconds: UInt64, perMessageDeflate: PerMessageDeflate? = nil) {
        self.init(id: id, path: path, params: params, headers: headers, hub: hub, transport: transport,
                  endpoint: WebSocketEndpoint(route: route, handler: handler), log: log, maxMessageBytes: maxMessageBytes,
                  closeTimeoutMilliseconds: closeTimeoutMilliseconds, perMessageDeflate: perMessageDeflate)
    }

    /// The route pattern as written (`/ws/chat/{room}`), for log lines.
    var route: String { endpoint.route }
    var handler: WebSocketHandler { endpoint.handler }

    /// The subprotocol agreed in the handshake (`Sec-WebSocket-Protocol`), one of the route's
    /// `protocols:`; nil when the route lists none or the client offered none of them.
    /// ```swift
    /// Router.websocket("/ws/game", protocols: ["game.v2", "game.v1"]) { connection, event, data in
    ///     if event == .message && connection.protocol == "game.v1" { connection.send(legacyReply(data.text)) }
    /// }
    /// ```
    public var `protocol`: String? {
        protocolSlot == Self.noProtocol ? nil : endpoint.protocols[Int(protocolSlot)]
    }

    /// Path parameters, then query parameters (`?token=…`); a path parameter wins a clash.
    public var params: [String: String] {
        var params: [String: String] = [:]
        for (name, value) in paramFields { params[name] = value }
        return params
    }

    /// True until the connection starts closing (after which sends are dropped).
    public var isOpen: Bool { machine.isOpen }

    /// Sends a text message to this client only.
    public func send(_ text: String) {
        guard let frame = outgoing(text: text), let transport else { return }
        hub.metrics.webSocketSent(bytes: frame.count)
        transport.send(frame)
    }

    /// Sends a binary message to this client only.
    public func send(_ bytes: [UInt8]) {
        guard let frame = outgoing(binary: bytes), let transport else { return }
        hub.metrics.webSocketSent(bytes: frame.count)
        transport.send(frame)
    }

    /// The frame for a message to this client (compressed when it agreed permessage-deflate and
    /// the message is worth it), or nil once the connection is closing.
    private func outgoing(text: String) -> OutgoingBytes? {
        guard let outbound = outboundCompression else { return machine.encode(text: text) }
        return machine.isOpen ? CompressedFrameEncoder.outgoingText(text, outbound: outbound) : nil
    }

    private func outgoing(binary bytes: [UInt8]) -> OutgoingBytes? {
        guard let outbound = outboundCompression else {
            return bytes.withUnsafeBytes { machine.encode(.binary, payload: $0) }
        }
        return machine.isOpen ? CompressedFrameEncoder.outgoingBinary(bytes, outbound: outbound) : nil
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
            log.warn("[ws] \(path) conn=\(id): close code \(code) may not be sent (RFC 6455 §7.4), sending 1000")
            closeCode = .normal
        }
        close(code: closeCode, reason: reason)
    }
}
