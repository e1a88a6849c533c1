/// An HTTP protocol version such as 1.1.
///
/// ```swift
/// let version = HTTPVersion(major: 1, minor: 1)
/// version == .http1_1   // true
/// ```
public struct HTTPVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The number before the dot.
    public var major: Int
    /// The number after the dot.
    public var minor: Int

    /// A version from its two numbers.
    ///
    /// ```swift
    /// let v = HTTPVersion(major: 1, minor: 0)
    /// ```
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// "HTTP/1.1", as written on the wire.
    ///
    /// ```swift
    /// HTTPVersion.http1_0.description   // "HTTP/1.0"
    /// ```
    public var description: String { "HTTP/\(major).\(minor)" }
}
