/// The server's permessage-deflate policy (``ServerConfiguration/compression``).
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.compression.isEnabled = false          // or TINA4_WS_COMPRESSION=off
/// configuration.compression.clientMaxWindowBits = 10   // ask clients for a 1 KiB window
/// ```
public struct PerMessageDeflateConfiguration: Sendable, Equatable {
    /// Negotiate permessage-deflate when a client offers it. `TINA4_WS_COMPRESSION=off` clears it.
    public var isEnabled = true
    /// Messages shorter than this go out uncompressed (RSV1 clear): deflating a few bytes costs
    /// CPU and saves nothing.
    public var minimumCompressedBytes = 64
    /// zlib level for outgoing messages, 1...9.
    public var level = 6
    /// When the client offers `client_max_window_bits` (it can use a smaller window, as Chromium
    /// does), the window the server asks for, 8...15. A client that keeps context between
    /// messages makes the server keep an inflater of about 7 KiB + 2^bits bytes for that
    /// connection once it has sent compressed messages. The default 10 (1 KiB window) keeps
    /// about 9 KiB per such connection instead of about 41 KiB with 15, for client → server chat
    /// messages about a third larger (26 % of their size instead of 20 %); server → client
    /// messages are not affected. 15 keeps the client's default.
    public var clientMaxWindowBits = 10
    /// Ask the client for `client_no_context_takeover` even when it did not offer it, so the
    /// server frees each connection's inflater after every message (no zlib memory on idle
    /// connections at all), at the cost of worse compression of client → server messages.
    public var requestClientNoContextTakeover = false

    public init() {}

    /// `TINA4_WS_COMPRESSION`: `off`/`false`/`0` disables, `on`/`true`/`1` (or unset) enables.
    public static func fromEnvironment(_ environment: [String: String]) throws(ServerConfiguration.Invalid) -> PerMessageDeflateConfiguration {
        var configuration = PerMessageDeflateConfiguration()
        if let text = environment["TINA4_WS_COMPRESSION"], !text.isEmpty {
            switch text.lowercased() {
            case "off", "false", "0", "no": configuration.isEnabled = false
            case "on", "true", "1", "yes": configuration.isEnabled = true
            default:
                throw ServerConfiguration.Invalid(name: "TINA4_WS_COMPRESSION", value: text, expected: "on or off")
            }
        }
        return configuration
    }
}
