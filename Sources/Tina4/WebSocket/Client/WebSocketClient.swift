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
/// Every frame it sends is masked with a fresh random key. Pings from the server are answered
/// at once and not returned; a close from the server is answered, the socket is closed and
/// the call throws ``WebSocketClientError/closed(code:reason:)``. Server frames are decoded
/// with ``WebSocketFrameDecoder`` in client mode, so a masked or malformed server frame makes
/// the client send a close and throw ``WebSocketClientError/protocolError(_:)`` (once the
/// messages that arrived before the bad frame have been received).
public final class WebSocketClient {
    /// Largest handshake response head accepted.
    private static let maxResponseHead = 16 * 1024
    /// Largest non-101 response body read for the error message.
    private static let maxErrorBody = 64 * 1024

    private let socket: BlockingSocket
    private var decoder: WebSocketFrameDecoder
    private var pending: [WebSocketFrameEvent] = []
    private var pendingHead = 0
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let writeTimeout: Duration
    private var closeSent = false
    private var closeReceived: (code: UInt16?, reason: String)?
    /// A violation in the server's frames; thrown once the events decoded before it are read.
    private var protocolFailure: WebSocketProtocolError?

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
        decoder = WebSocketFrameDecoder(options: .init(maxMessageBytes: maxMessageBytes, requireMaskedFrames: false))
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
            received.withUnsafeBytes { raw in decodeIncoming(UnsafeRawBufferPointer(rebasing: raw[end...])) }
        }
    }

    /// The body of a refusal, bounded, for the error message.
    private func errorBody(_ head: HTTPResponseHead, already: ArraySlice<UInt8>, deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> String {
        var body = Array(already)
        let declared = head.values("Content-Length").first.flatMap { Int($0) } ?? body.count
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

    // MARK: Sending

    /// Sends one text message (a single masked frame).
    public func send(text: String) throws(WebSocketClientError) {
        try ensureOpen()
        try sendFrame(.text, Array(text.utf8))
    }

    /// Sends one binary message (a single masked frame).
    public func send(binary: [UInt8]) throws(WebSocketClientError) {
        try ensureOpen()
        try sendFrame(.binary, binary)
    }

    /// Writes bytes as they are, with no framing or masking: for tests that send bad frames.
    public func sendRaw(_ bytes: [UInt8]) throws(WebSocketClientError) {
        try socket.writeAll(bytes, deadline: Self.deadline(after: writeTimeout))
    }

    /// Sends a ping; the server's pong comes back from ``receive(timeout:)`` as `.pong`.
    public func ping(_ payload: [UInt8] = []) throws(WebSocketClientError) {
        try ensureOpen()
        try sendFrame(.ping, Array(payload.prefix(WebSocketFrameEncoder.maxControlPayload)))
    }

    private func sendFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8]) throws(WebSocketClientError) {
        var random = SystemRandomNumberGenerator()
        let key = UInt32.random(in: .min ... .max, using: &random)
        let frame = WebSocketFrameEncoder.encode(opcode: opcode, payload: payload, maskingKey: (
            UInt8(truncatingIfNeeded: key), UInt8(truncatingIfNeeded: key >> 8),
            UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 24)))
        try socket.writeAll(frame, deadline: Self.deadline(after: writeTimeout))
    }

    private func ensureOpen() throws(WebSocketClientError) {
        if let closeReceived { throw .closed(code: closeReceived.code, reason: closeReceived.reason) }
        if let protocolFailure { throw .protocolError("\(protocolFailure.code.rawValue): \(protocolFailure.reason)") }
        if !socket.isOpen { throw .connectionLost }
        if closeSent { throw .unexpected("send after close") }
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
                switch event {
                case .ping(let payload):
                    if !closeSent { try sendFrame(.pong, payload) }
                    continue
                case .close(let code, let reason):
                    closeReceived = (code, reason)
                    if !closeSent {
                        closeSent = true
                        // Echo the status code (RFC 6455 §5.5.1); the peer may already be gone.
                        try? sendFrame(.close, code.map { WebSocketFrameEncoder.closePayload(code: $0, reason: "") } ?? [])
                    }
                    socket.close()
                    throw .closed(code: code, reason: reason)
                default:
                    return event
                }
            }
            if let closeReceived { throw .closed(code: closeReceived.code, reason: closeReceived.reason) }
            if let protocolFailure { throw .protocolError("\(protocolFailure.code.rawValue): \(protocolFailure.reason)") }
            guard socket.isOpen else { throw .connectionLost }
            let n = try readSome(deadline: deadline)
            if n < 0 { return nil }
            if n == 0 {
                socket.close()
                throw .connectionLost
            }
            readBuffer.withUnsafeBytes { raw in decodeIncoming(UnsafeRawBufferPointer(rebasing: raw[..<n])) }
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
        if let closeReceived { return closeReceived.code }
        if !closeSent {
            closeSent = true
            try sendFrame(.close, WebSocketFrameEncoder.closePayload(code: code, reason: reason))
        }
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
    }

    // MARK: Plumbing

    /// Reads into `readBuffer`: the count, 0 at end of stream, -1 on timeout.
    private func readSome(deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> Int {
        let result = readBuffer.withUnsafeMutableBytes { raw in
            Result { () throws(WebSocketClientError) in try socket.read(into: raw, deadline: deadline) }
        }
        return try result.get() ?? -1
    }

    /// Decodes server bytes into `pending`. On a protocol violation sends a close with its
    /// code and closes the socket; the events before it stay readable, then receiving throws.
    private func decodeIncoming(_ bytes: UnsafeRawBufferPointer) {
        let result = decoder.decode(bytes)
        pending += result.events
        guard let error = result.error else { return }
        protocolFailure = error
        if !closeSent {
            closeSent = true
            try? sendFrame(.close, WebSocketFrameEncoder.closePayload(code: error.code.rawValue, reason: error.reason))
        }
        socket.close()
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
