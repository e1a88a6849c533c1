/// One frame header as the decoder read it, for debug log lines
/// (``WebSocketDecoderOptions/recordsFrames``).
///
/// ```swift
/// var decoder = WebSocketFrameDecoder(options: .init(recordsFrames: true))
/// decoder.decode(bytes).frames   // [WebSocketFrameSummary(opcode: .text, length: 5, fin: true)]
/// ```
public struct WebSocketFrameSummary: Sendable, Equatable, CustomStringConvertible {
    public var opcode: WebSocketOpcode
    /// The payload length the header declares.
    public var length: Int
    public var fin: Bool

    public var description: String { "\(opcode) length=\(length) fin=\(fin ? 1 : 0)" }
}
