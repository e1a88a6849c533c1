/// Limits and role of a ``WebSocketFrameDecoder``. Every default is the server's.
///
/// ```swift
/// var options = WebSocketDecoderOptions()
/// options.maxMessageBytes = 64 * 1024        // chat messages are small
/// let server = WebSocketFrameDecoder(options: options)
///
/// let client = WebSocketFrameDecoder(options: .init(requireMaskedFrames: false))
///
/// // permessage-deflate negotiated: RSV1 messages are inflated (the limit counts inflated bytes)
/// let compressed = WebSocketFrameDecoder(options: .init(perMessageDeflate: agreed.inbound))
/// ```
public struct WebSocketDecoderOptions: Sendable {
    /// Largest message (sum of its fragments' payloads) accepted, in bytes. Default 1 MiB.
    /// Over it → 1009, detected from the frame header as soon as the declared length would
    /// exceed it, before the payload arrives.
    public var maxMessageBytes: Int = 1 << 20
    /// Server side: true (client frames must be masked). Client side: false, and then a
    /// masked frame from the server is an error (1002).
    public var requireMaskedFrames: Bool = true
    /// The peer's permessage-deflate settings when the extension was negotiated (RFC 7692),
    /// else nil. Without it RSV1 set → 1002. With it, RSV1 on the first frame of a data message
    /// marks the message compressed (§6.1) and the decoder inflates it, counting the *inflated*
    /// bytes against `maxMessageBytes` as they come out (1009, memory bounded by the limit);
    /// RSV1 on a control or continuation frame is still 1002; corrupt data is 1007.
    public var perMessageDeflate: PerMessageDeflate.Direction?

    /// Lists every frame header in ``WebSocketDecodeResult/frames`` (for debug logging); off,
    /// it costs one test per frame.
    public var recordsFrames: Bool = false

    /// True when RSV1 may start a data message (permessage-deflate negotiated).
    public var allowRSV1: Bool { perMessageDeflate != nil }

    public init(maxMessageBytes: Int = 1 << 20, requireMaskedFrames: Bool = true,
                perMessageDeflate: PerMessageDeflate.Direction? = nil, recordsFrames: Bool = false) {
        self.recordsFrames = recordsFrames
        self.maxMessageBytes = maxMessageBytes
        self.requireMaskedFrames = requireMaskedFrames
        self.perMessageDeflate = perMessageDeflate
    }
}
