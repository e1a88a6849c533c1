/// An incremental, sans-I/O HTTP/1.1 request parser for one connection.
///
/// Feed it bytes as they arrive with ``append(_:)`` and call ``next()`` until it
/// returns nil; pipelined requests come out one at a time, in order, however the bytes were
/// split. The parser is strict (RFC 9110/9112): anything malformed or over a limit throws an
/// ``HTTPParseError`` carrying the status to answer with, after which the parser is dead.
///
/// ```swift
/// var parser = HTTPRequestParser()
/// parser.append(Array("GET /hi HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8))
/// do {
///     while let event = try parser.next() {
///         switch event {
///         case .expectContinue: send("HTTP/1.1 100 Continue\r\n\r\n")
///         case .request(let request): handle(request)
///         }
///     }
/// } catch {
///     sendError(error.status, error.reason)   // then close
/// }
/// ```
///
/// Memory: call ``next()`` after every append. The head is capped by
/// ``HTTPParserLimits/maxHeaderBytes`` and the body by ``HTTPParserLimits/maxBodyBytes``, so a
/// parser that is drained after each read holds at most about one request plus one read.
public struct HTTPRequestParser: Sendable {
    /// A head that has been parsed and validated, waiting for its body.
    private struct PendingRequest: Sendable {
        var head: HTTPRequestHead
        var framing: HTTPBodyFraming
        var expectsContinue: Bool
        var continueSent = false
        var headBytes: Int
    }

    private let limits: HTTPParserLimits
    private var buffer = HTTPByteBuffer()
    private var scanner = HTTPHeadScanner()
    private var pending: PendingRequest?
    private var chunked = HTTPChunkedDecoder()
    /// The chunked body decoded so far.
    private var body: [UInt8] = []
    private var failure: HTTPParseError?

    /// The head of the request being read: set as soon as its head parses (also when validating
    /// it then fails, e.g. a `Content-Length` over the limit), cleared when the request is
    /// returned. After an error it tells the server how the client wants the answer (`Accept`);
    /// nil when the error is in the head itself.
    ///
    /// ```swift
    /// } catch {
    ///     let json = parser.currentHead?.headers["Accept"]?.contains("json") ?? false
    /// }
    /// ```
    public private(set) var currentHead: HTTPRequestHead?

    /// A parser enforcing `limits`.
    ///
    /// ```swift
    /// var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 1 << 20))
    /// ```
    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Adds received bytes (copied).
    ///
    /// ```swift
    /// let n = read(fd, scratch.baseAddress, scratch.count)
    /// parser.append(UnsafeRawBufferPointer(rebasing: scratch[..<n]))
    /// ```
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(bytes)
    }

    /// Adds received bytes.
    ///
    /// ```swift
    /// parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
    /// ```
    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(bytes)
    }

    /// The next event, or nil when more bytes are needed. After a throw the parser is dead
    /// (every later call throws the same error); the server answers with the status and closes.
    ///
    /// ```swift
    /// while let event = try parser.next() { ... }
    /// ```
    public mutating func next() throws(HTTPParseError) -> HTTPParseEvent? {
        if let failure { throw failure }
        do throws(HTTPParseError) {
            if pending == nil {
                guard let request = try readHead() else { return nil }
                pending = request
            }
            return try readBody()
        } catch {
            failure = error
            throw error
        }
    }

    /// Unconsumed bytes after the last returned request (used when a request upgrades to
    /// WebSocket); clears them, along with any partly parsed request.
    ///
    /// ```swift
    /// case .request(let request) where request.head.headers.containsToken("websocket", in: "Upgrade"):
    ///     webSocket.start(leftover: parser.takeRemainingBytes())
    /// ```
    public mutating func takeRemainingBytes() -> [UInt8] {
        let remaining = buffer.takeAll()
        scanner = HTTPHeadScanner()
        pending = nil
        currentHead = nil
        chunked = HTTPChunkedDecoder()
        body = []
        return remaining
    }

    /// Bytes buffered and not yet returned: unparsed input plus any partly decoded body.
    ///
    /// ```swift
    /// let midRequest = parser.bufferedByteCount > 0   // choose the request timeout
    /// ```
    public var bufferedByteCount: Int { buffer.count + body.count }

    /// Whether part of a request has arrived and the request is not complete yet: unparsed
    /// bytes, or a head whose body (or chunked trailer) is still coming. Unlike
    /// ``bufferedByteCount`` it stays true while a chunked body's lines are consumed as they come,
    /// so a client dribbling trailer lines is still mid-request.
    ///
    /// ```swift
    /// let deadline = parser.isMidRequest ? requestDeadline : keepAliveDeadline
    /// ```
    public var isMidRequest: Bool { pending != nil || buffer.count > 0 }

    // MARK: Steps

    /// Finds, parses and validates the next head; consumes it from the buffer.
    private mutating func readHead() throws(HTTPParseError) -> PendingRequest? {
        let limits = self.limits
        var scanner = self.scanner
        let found = try buffer.withUnreadBytes { bytes throws(HTTPParseError) in
            try scanner.scan(bytes, maxHeaderBytes: limits.maxHeaderBytes)
        }
        self.scanner = scanner
        guard let range = found else { return nil }
        let parsed = try buffer.withUnreadBytes { bytes throws(HTTPParseError) in
            try HTTPHeadParser.parse(UnsafeBufferPointer(rebasing: bytes[range]), maxHeaderCount: limits.maxHeaderCount)
        }
        var head = parsed.head
        currentHead = head
        let outcome = try HTTPHeadValidation.validate(&head, authority: parsed.authority, maxBodyBytes: limits.maxBodyBytes)
        buffer.consume(range.upperBound)
        self.scanner = HTTPHeadScanner()
        return PendingRequest(
            head: head, framing: outcome.framing, expectsContinue: outcome.expectsContinue, headBytes: range.count)
    }

    /// Completes the pending request's body if the bytes are there; otherwise maybe asks for
    /// `100 Continue`.
    private mutating func readBody() throws(HTTPParseError) -> HTTPParseEvent? {
        guard let request = pending else { return nil }
        let complete: Bool
        switch request.framing {
        case .none:
            complete = true
        case .length(let length):
            complete = buffer.count >= length
            if complete { body = buffer.take(length) }
        case .chunked:
            complete = try readChunks(for: request)
        }
        if complete {
            pending = nil
            currentHead = nil
            chunked = HTTPChunkedDecoder()
            let parsed = ParsedRequest(head: request.head, body: body)
            body = []
            return .request(parsed)
        }
        if request.expectsContinue && !request.continueSent {
            pending?.continueSent = true
            return .expectContinue(request.head)
        }
        return nil
    }

    /// Feeds buffered bytes to the chunked decoder; true when the body is complete.
    private mutating func readChunks(for request: PendingRequest) throws(HTTPParseError) -> Bool {
        let budget = HTTPChunkedDecoder.Budget(
            maxBodyBytes: limits.maxBodyBytes,
            maxTrailerBytes: limits.maxHeaderBytes - request.headBytes,
            maxTrailerCount: limits.maxHeaderCount - request.head.headers.count,
            maxHeaderBytes: limits.maxHeaderBytes,
            maxHeaderCount: limits.maxHeaderCount)
        // Move the decoder and body out so the closure can mutate them without copying the body.
        var decoder = chunked
        var decoded = body
        body = []
        let progress = try buffer.withUnreadBytes { bytes throws(HTTPParseError) in
            try decoder.decode(bytes, into: &decoded, budget: budget)
        }
        chunked = decoder
        body = decoded
        buffer.consume(progress.consumed)
        return progress.done
    }
}
