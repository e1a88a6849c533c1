/// A complete request: its head and its whole body (de-chunked when it was sent chunked).
///
/// ```swift
/// if case .request(let request) = try parser.next() {
///     print(request.head.method, request.body.count)
/// }
/// ```
public struct ParsedRequest: Sendable, Equatable {
    /// The request line and headers.
    public var head: HTTPRequestHead
    /// The body bytes; empty when the request had none.
    public var body: [UInt8]

    /// A request built by hand.
    ///
    /// ```swift
    /// let request = ParsedRequest(head: head, body: Array("hi".utf8))
    /// ```
    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

/// What ``HTTPRequestParser/next()`` found in the bytes received so far.
///
/// ```swift
/// while let event = try parser.next() {
///     switch event {
///     case .expectContinue: write("HTTP/1.1 100 Continue\r\n\r\n")
///     case .request(let request): handle(request)
///     }
/// }
/// ```
public enum HTTPParseEvent: Sendable, Equatable {
    /// The head arrived with `Expect: 100-continue` and its body is not complete yet: the server
    /// should write `HTTP/1.1 100 Continue` now. Emitted at most once per request, before
    /// `.request`, and never for HTTP/1.0 requests (RFC 9110 §10.1.1).
    case expectContinue(HTTPRequestHead)
    /// A complete request (head plus de-chunked body).
    case request(ParsedRequest)
}
