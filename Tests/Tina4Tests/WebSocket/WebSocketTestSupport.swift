import Testing
@testable import Tina4

/// How a hand-built test frame encodes its payload length.
enum TestLengthEncoding { case minimal, sixteen, sixtyFour }

/// Builds a frame byte by byte, independently of `WebSocketFrameEncoder`, so decoder tests do
/// not trust the encoder. `mask` nil gives an unmasked (server-style) frame.
func rawFrame(_ opcode: UInt8, _ payload: [UInt8] = [], fin: Bool = true, rsv: UInt8 = 0,
              mask: [UInt8]? = [0x11, 0x22, 0x33, 0x44],
              length: TestLengthEncoding = .minimal) -> [UInt8] {
    var out: [UInt8] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode]
    let maskBit: UInt8 = mask == nil ? 0 : 0x80
    let n = payload.count
    let encoding: TestLengthEncoding = length == .minimal ? (n <= 125 ? .minimal : n <= 0xFFFF ? .sixteen : .sixtyFour) : length
    switch encoding {
    case .minimal:
        out.append(maskBit | UInt8(n))
    case .sixteen:
        out.append(maskBit | 126)
        out += [UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    case .sixtyFour:
        out.append(maskBit | 127)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(UInt64(n) >> UInt64(shift) & 0xFF)) }
    }
    if let mask {
        out += mask
        for (i, b) in payload.enumerated() { out.append(b ^ mask[i % 4]) }
    } else {
        out += payload
    }
    return out
}

func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Decodes `bytes` in one call with a fresh decoder; returns the events, or the error when
/// there is one (whatever came before it: see `WebSocketDecodeResult` tests for that).
func decodeAll(_ bytes: [UInt8], options: WebSocketDecoderOptions = .init()) -> Result<[WebSocketFrameEvent], WebSocketProtocolError> {
    var decoder = WebSocketFrameDecoder(options: options)
    let result = decoder.decode(bytes)
    if let error = result.error { return .failure(error) }
    return .success(result.events)
}

/// The close code `bytes` make a fresh decoder throw, or nil if it does not throw.
func errorCode(_ bytes: [UInt8], options: WebSocketDecoderOptions = .init()) -> UInt16? {
    if case .failure(let error) = decodeAll(bytes, options: options) { return error.code.rawValue }
    return nil
}

/// Decodes `bytes` in chunks of the given sizes (cycling), concatenating the events.
func decodeInChunks(_ bytes: [UInt8], sizes: [Int], options: WebSocketDecoderOptions = .init()) -> Result<[WebSocketFrameEvent], WebSocketProtocolError> {
    var decoder = WebSocketFrameDecoder(options: options)
    var events: [WebSocketFrameEvent] = []
    var at = 0
    var i = 0
    while at < bytes.count {
        let size = max(1, sizes[i % sizes.count])
        let end = min(bytes.count, at + size)
        let result = decoder.decode(Array(bytes[at..<end]))
        if let error = result.error { return .failure(error) }
        events += result.events
        at = end
        i += 1
    }
    return .success(events)
}

func randomBytes(_ count: Int, using rng: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

extension Result {
    /// The success value, or nil for a failure.
    var value: Success? { try? get() }
}

extension WebSocketFrameDecoder {
    /// Decodes `bytes` and returns the events, recording an issue if the decoder reports a
    /// violation: for tests of input that must be fine.
    mutating func events(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [WebSocketFrameEvent] {
        let result = decode(bytes)
        #expect(result.error == nil, sourceLocation: sourceLocation)
        return result.events
    }
}
