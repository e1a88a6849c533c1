/// Size limits the request parser enforces; exceeding one fails the request.
///
/// ```swift
/// let limits = HTTPParserLimits(maxHeaderBytes: 8 * 1024, maxBodyBytes: 1 << 20)
/// var parser = HTTPRequestParser(limits: limits)
/// ```
public struct HTTPParserLimits: Sendable, Equatable {
    /// Request line, header lines and their line endings, including the empty line that ends
    /// the head. Over this: 431. Chunked trailers count toward the same budget.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Header fields (lines) allowed in one request, trailers included. Over this: 431.
    public var maxHeaderCount: Int = 100
    /// Largest body accepted, by `Content-Length` (rejected before any body arrives) or as the
    /// running total of a chunked body. Over this: 413.
    public var maxBodyBytes: Int = 8 * 1024 * 1024

    /// Limits, each defaulting to the value above.
    ///
    /// ```swift
    /// let strict = HTTPParserLimits(maxHeaderCount: 32)
    /// ```
    public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 8 * 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
