/// A small blocking WebSocket client (RFC 6455, `ws://` only) for end-to-end tests and the
/// `tina4 listen` / `tina4 send` commands. Not thread-safe: one thread uses an instance.
///
/// ```swift
/// let client = try WebSocketClient(url: "ws://localhost:7145/ws/echo")
/// try client.send(text: "hello")
/// let reply = try client.receiveText(timeout: 2)         // "hello"
/// try client.close()                                     // 1000 back from the server
/// ```
///
/// It drives the same ``WebSocketConnectionMachine`` as the server, in the client role: every
/// frame it sends is masked with a fresh random key, server frames must be unmasked. Pings
/// from the server are answered as they arrive and not returned; a close from the server is
/// answered, the socket is closed and, once the messages before it have been received, the
/// call throws ``WebSocketClientError/closed(code:reason:)``. A masked or malformed server
/// frame makes the client send a close and throw ``WebSocketClientError/protocolError(_:)``
/// (once the messages that arrived before the bad frame have been received). The machine's
/// timers are not used: every wait is bounded by the caller's timeout instead.
public final class WebSocketClient {
    /// Largest handshake response head accepted.
    private static let maxResponseHead = 16 * 1024
    /// Largest non-101 response body read for the error message.
    private static let maxErrorBody = 64 * 1024

    private let socket: BlockingSocket
    /// Every open/close decision; the client only performs its actions.
    private var machine: WebSocketConnectionMachine
    /// Messages and pongs received and not yet returned, in order.
    private var pending: [WebSocketFrameEvent] = []
    private var pendingHead = 0
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let writeTimeout: Duration

    /// The headers of the server's 101 response, in order.
    public private(set) var handshakeResponseHeaders: [(String, String)] = []

    /// Connects and performs the opening handshake. `url` is `ws://host[:port][/path][?query]`;
    /// `wss://` throws `.invalidURL` (no TLS). `headers` are added to the upgrade request.
    /// `timeout` (seconds) bounds the connect, the handshake and every later write.
    /// `maxMessageBytes` caps a message from the server (over it → protocol error).
    public init(url: String, headers: [(String, String)] = [], timeout: Double = 5,
                maxMessageBytes: Int = 16 << 20) throws(WebSocketClientError) {
        let target = try WebSocketURL(parsing: url)
        let deadline = Self.deadline(after: timeout)
        writeTimeout = .milliseconds(Int((max(timeout, 0) * 1000).rounded(.up)))
        // The machine's timers are not armed here: each call waits at most its own timeout.
        machine = WebSocketConnectionMachine(role: .client(maskKey: Self.randomMaskKey), maxMessageBytes: maxMessageBytes,
                                             closeTimeoutMilliseconds: UInt64(max(timeout, 0) * 1000))
        socket = try BlockingSocket.connect(host: target.host, port: target.port, deadline: deadline)

        var keyBytes = [UInt8](repeating: 0, count: 16)
        var random = SystemRandomNumberGenerator()
        for i in keyBytes.indices { keyBytes[i] = random.next() }
        let key = Base64.encode(keyBytes)
        var request = "GET \(target.target) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n"
        request += "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try socket.writeAll(Array(request.utf8), deadline: deadline)
        try readHandshakeResponse(expectedAccept: WebSocketHandshake.acceptValue(forKey: key), deadline: deadline)
    }

    /// Reads the response head, checks it is a proper 101, and decodes any frame bytes that
    /// came in the same reads.
    private func readHandshakeResponse(expectedAccept: String, deadline: ContinuousClock.Instant) throws(WebSocketClientError) {
        var received: [UInt8] = []
        var searched = 0
        var headEnd: Int?
        while headEnd == nil {
            guard received.count < Self.maxResponseHead else {
                throw .protocolError("handshake response head over \(Self.maxResponseHead) bytes")
            }
            let n = try readSome(deadline: deadline)
            guard n > 0 else { throw .connectionLost }
            received += readBuffer[..<n]
            headEnd = HTTPResponseHead.end(in: received, searchingFrom: searched - 3)
            searched = received.count
        }
        let end = headEnd ?? received.count
        guard let head = HTTPResponseHead(parsing: received[..<end]) else {
            throw .protocolError("handshake response is not HTTP")
        }
        if head.status != 101 {
            throw .handshakeFailed(status: head.status, body: try errorBody(head, already: received[end...], deadline: deadline))
        }
        guard HTTPTokenList.contains(head.values("Upgrade"), token: "websocket"),
              HTTPTokenList.contains(head.values("Connection"), token: "upgrade") else {
            throw .protocolError("101 response without Upgrade: websocket and Connection: Upgrade")
        }
        guard head.values("Sec-WebSocket-Accept") == [expectedAccept] else {
            throw .protocolError("Sec-WebSocket-Accept does not match the key sent")
        }
        handshakeResponseHeaders = head.headers
        if end < received.count {
            let actions = received.withUnsafeBytes { raw in machine.received(UnsafeRawBufferPointer(rebasing: raw[end...])) }
            try perform(actions)
        }
    }

    /// The body of a refusal, bounded, for the error message.
    private func errorBody(_ head: HTTPResponseHead, already: ArraySlice<UInt8>, deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> String {
        var body = Array(already)
        // A hostile server may declare any length: only digits count, and the read stays bounded.
        let declared = head.values("Content-Length").first.flatMap(Self.decimalLength) ?? body.count
        let wanted = min(declared, Self.maxErrorBody)
        while body.count < wanted {
            let n = try readSome(deadline: deadline)
            guard n > 0 else { break }
            body += readBuffer[..<n]
        }
        // The body is only shown to a person; decoding repairs any bad bytes.
        let text = String(decoding: body.prefix(wanted), as: UTF8.self)
        return HTTPTokenList.trimmed(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " "))
    }

    /// A Content-Length value as a non-negative count (`Int.max` when too large); nil unless it
    /// is all ASCII digits.
    static func decimalLength(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text) ?? .max
    }

    // MARK: Sending

    /// Sends one text message (a single masked frame).
    public func send(text: String) throws(WebSocketClientError) {
        try ensureOpen()
        if let frame = machine.encode(text: text) { try write(frame) }
    }

    /// Sends one binary message (a single masked frame).
    public func send(binary: [UInt8]) throws(WebSocketClientError) {
        try ensureOpen()
        if let frame = binary.withUnsafeBytes({ machine.encode(.binary, payload: $0) }) { try write(frame) }
    }

    /// Writes bytes as they are, with no framing or masking: for tests that send bad frames.
    public func sendRaw(_ bytes: [UInt8]) throws(WebSocketClientError) {
        try socket.writeAll(bytes, deadline: Self.deadline(after: writeTimeout))
    }

    /// Sends a ping; the server's pong comes back from ``receive(timeout:)`` as `.pong`.
    public func ping(_ payload: [UInt8] = []) throws(WebSocketClientError) {
        try ensureOpen()
        if let frame = machine.ping(payload) { try write(frame) }
    }

    private func write(_ frame: OutgoingBytes) throws(WebSocketClientError) {
        try socket.writeAll(UnsafeRawBufferPointer(start: frame.base, count: frame.count), deadline: Self.deadline(after: writeTimeout))
    }

    private func ensureOpen() throws(WebSocketClientError) {
        if let ended = endingError() { throw ended }
        if !socket.isOpen { throw .connectionLost }
        if machine.state == .closeSent { throw .unexpected("send after close") }
    }

    /// What a call throws once the connection has ended, as the machine recorded it.
    private func endingError() -> WebSocketClientError? {
        switch machine.state {
        case .open, .closeSent:
            return nil
        case .finishing(let ending), .gone(let ending):
            switch ending {
            case .closeReceived(let code, let reason): return .closed(code: code, reason: reason)
            case .violation(let error): return .protocolError("\(error.code.rawValue): \(error.reason)")
            case .endOfStream, .closeTimedOut, .flushTimedOut, .socketGone, .dropped: return .connectionLost
            }
        }
    }

    // MARK: Receiving

    /// The next message or control event, or nil when `timeout` seconds pass first. Pings
    /// are answered and not returned. Throws `.closed(code, reason)` once the server's close
    /// frame arrived (after replying to it), `.connectionLost` on end of stream without one.
    public func receive(timeout: Double = 5) throws(WebSocketClientError) -> WebSocketFrameEvent? {
        try nextEvent(deadline: Self.deadline(after: timeout))
    }

    private func nextEvent(deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> WebSocketFrameEvent? {
        while true {
            if pendingHead < pending.count {
                let event = pending[pendingHead]
                pendingHead += 1
                if pendingHead == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingHead = 0
                }
                return event
            }
            if let ended = endingError() { throw ended }
            guard socket.isOpen else { throw .connectionLost }
            let n = try readSome(deadline: deadline)
            if n < 0 { return nil }
            if n == 0 {
                try perform(machine.inputEnded())
                socket.close()
                continue
            }
            let actions = readBuffer.withUnsafeBytes { raw in machine.received(UnsafeRawBufferPointer(rebasing: raw[..<n])) }
            try perform(actions)
        }
    }

    /// The next event, which must be a text message. Throws `.timeout` when none arrives in
    /// time and `.unexpected` for any other event.
    public func receiveText(timeout: Double = 5) throws(WebSocketClientError) -> String {
        switch try receive(timeout: timeout) {
        case .text(let text)?: return text
        case nil: throw .timeout
        case let other?: throw .unexpected("\(other) instead of a text message")
        }
    }

    /// Sends a close frame (unless one was sent already) and waits, at most `timeout` seconds,
    /// for the server's; returns the server's code (nil for an empty close payload). The
    /// socket is closed afterwards in every case.
    @discardableResult
    public func close(code: UInt16 = 1000, reason: String = "", timeout: Double = 5) throws(WebSocketClientError) -> UInt16? {
        defer { socket.close() }
        if case .closed(let received, _)? = endingError() { return received }
        try perform(machine.close(code: WebSocketCloseCode(rawValue: code), reason: reason))
        return try waitForClose(timeout: timeout)
    }

    /// Waits for the server to close, discarding any messages before its close frame:
    /// returns the close code it sent (nil for an empty payload). For tests of protocol errors.
    public func expectClose(timeout: Double = 5) throws(WebSocketClientError) -> UInt16? {
        try waitForClose(timeout: timeout)
    }

    private func waitForClose(timeout: Double) throws(WebSocketClientError) -> UInt16? {
        let deadline = Self.deadline(after: timeout)
        while true {
            do throws(WebSocketClientError) {
                guard try nextEvent(deadline: deadline) != nil else { throw .timeout }
            } catch {
                if case .closed(let code, _) = error { return code }
                throw error
            }
        }
    }

    /// Closes the TCP connection at once, with no close frame.
    public func disconnect() {
        socket.close()
        _ = machine.socketGone()
    }

    // MARK: Plumbing

    /// Reads into `readBuffer`: the count, 0 at end of stream, -1 on timeout.
    private func readSome(deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> Int {
        let result = readBuffer.withUnsafeMutableBytes { raw in
            Result { () throws(WebSocketClientError) in try socket.read(into: raw, deadline: deadline) }
        }
        return try result.get() ?? -1
    }

    /// Performs the machine's actions: writes go out at once, messages and pongs queue up for
    /// ``receive(timeout:)``, "close the socket" closes it; hub, timer and log actions are the
    /// server's. A write that fails is thrown, except once the connection is ending (the close
    /// echo or the close after a violation: the peer may already be gone).
    private func perform(_ first: [WebSocketConnectionMachine.Action]) throws(WebSocketClientError) {
        var actions = first
        while !actions.isEmpty {
            var delivered = false
            for action in actions {
                switch action {
                case .write(let frame):
                    switch machine.state {
                    case .open, .closeSent: try write(frame)
                    case .finishing, .gone: try? write(frame)
                    }
                case .deliver(let event, let data):
                    delivered = true
                    if event == .message { pending.append(data.isBinary ? .binary(data.bytes) : .text(data.text)) }
                case .pong(let payload):
                    pending.append(.pong(payload))
                case .closeWhenFlushed, .closeNow, .abort:
                    socket.close()   // writes are synchronous: everything queued is already out
                case .join, .leave, .arm, .cancel, .notice:
                    break
                }
            }
            guard delivered else { return }
            actions = machine.handlerReturned(threw: false)
        }
    }

    /// A masking key from the system's random source (RFC 6455 §5.3: unpredictable).
    private static func randomMaskKey() -> UInt32 {
        var random = SystemRandomNumberGenerator()
        return UInt32.random(in: .min ... .max, using: &random)
    }

    private static func deadline(after seconds: Double) -> ContinuousClock.Instant {
        deadline(after: .milliseconds(Int((max(seconds, 0) * 1000).rounded(.up))))
    }

    private static func deadline(after duration: Duration) -> ContinuousClock.Instant {
        ContinuousClock.now.advanced(by: duration)
    }
}

@available(*, unavailable, message: "WebSocketClient is used by one thread at a time")
extension WebSocketClient: Sendable {}
