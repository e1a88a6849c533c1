/// What one ``WebSocketFrameDecoder/decode(_:)-([UInt8])`` call found in its input: the events it
/// completed, in order, and the violation that stopped it, if any.
///
/// A violation never hides what came before it: the frames decoded ahead of it in the same
/// input are in `events`, so a driver handles them (runs the message handler, answers the
/// ping) and only then closes with `error.code`.
///
/// ```swift
/// let result = decoder.decode(bytesFromSocket)
/// for event in result.events { handle(event) }     // "hello", even if a bad frame followed
/// if let error = result.error {
///     write(WebSocketFrameEncoder.close(code: error.code, reason: error.reason))
///     // stop reading: the decoder is dead
/// }
/// ```
public struct WebSocketDecodeResult: Sendable, Equatable {
    /// Complete events, in the order their frames arrived (all of them before `error`).
    public var events: [WebSocketFrameEvent]
    /// The first violation, after `events`; nil when every byte was fine. Once it is set the
    /// decoder is dead: every later call returns no events and the same error.
    public var error: WebSocketProtocolError?
    /// Every frame header decoded, in order, when ``WebSocketDecoderOptions/recordsFrames`` is
    /// on (else empty, with no heap).
    public var frames: [WebSocketFrameSummary] = []

    public init(events: [WebSocketFrameEvent] = [], error: WebSocketProtocolError? = nil) {
        self.events = events
        self.error = error
    }
}
