/// Limits and role of a ``WebSocketFrameDecoder``. Every default is the server's.
///
/// ```swift
/// var options = WebSocketDecoderOptions()
/// options.maxMessageBytes = 64 * 1024        // chat messages are small
/// let server = WebSocketFrameDecoder(options: options)
///
/// let client = WebSocketFrameDecoder(options: .init(requireMaskedFrames: false))
/// ```
public struct WebSocketDecoderOptions: Sendable {
    /// Largest message (sum of its fragments' payloads) accepted, in bytes. Default 1 MiB.
    /// Over it → 1009, detected from the frame header as soon as the declared length would
    /// exceed it, before the payload arrives.
    public var maxMessageBytes: Int = 1 << 20
    /// Server side: true (client frames must be masked). Client side: false, and then a
    /// masked frame from the server is an error (1002).
    public var requireMaskedFrames: Bool = true
    /// Hook for permessage-deflate later. When false, RSV1 set → 1002. When true, RSV1 is
    /// accepted on the first frame of a data message (RFC 7692 §6.1) but still refused on
    /// control and continuation frames. The decoder never inflates: that is the extension's job.
    public var allowRSV1: Bool = false

    public init(maxMessageBytes: Int = 1 << 20, requireMaskedFrames: Bool = true, allowRSV1: Bool = false) {
        self.maxMessageBytes = maxMessageBytes
        self.requireMaskedFrames = requireMaskedFrames
        self.allowRSV1 = allowRSV1
    }
}
