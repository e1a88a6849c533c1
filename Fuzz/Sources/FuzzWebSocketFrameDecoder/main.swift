// The WebSocket frame decoder (Sources/Tina4/WebSocket/WebSocketFrameDecoder.swift) on arbitrary
// bytes: server side plain and with permessage-deflate negotiated (RSV1 messages are inflated),
// and client side. Invariants: fed whole or in pieces it returns the same events and the same close
// code; it never buffers more than a message plus a control frame and a header; nothing follows
// a close; the events, encoded again as server frames, decode (client side) to the same events.
import FuzzSupport
@testable import Tina4

/// Small enough that inputs of a few KiB (and inflated ones) reach the 1009 check.
let maxMessageBytes = 4096

struct Outcome: Equatable {
    var events: [WebSocketFrameEvent] = []
    var errorCode: WebSocketCloseCode?
}

func decode(_ pieces: [UnsafeRawBufferPointer], options: WebSocketDecoderOptions) -> Outcome {
    var decoder = WebSocketFrameDecoder(options: options)
    var outcome = Outcome()
    for piece in pieces {
        let result = decoder.decode(piece)
        invariant(outcome.errorCode == nil || (result.events.isEmpty && result.error?.code == outcome.errorCode),
                  "a dead decoder returned something new")
        outcome.events += result.events
        if let error = result.error {
            invariant(error.reason.utf8.count <= 123, "a close reason of \(error.reason.utf8.count) bytes")
            outcome.errorCode = error.code
        }
        invariant(decoder.bufferedByteCount <= maxMessageBytes + 125 + 14, "buffers \(decoder.bufferedByteCount) bytes")
    }
    if let close = outcome.events.firstIndex(where: { if case .close = $0 { true } else { false } }) {
        invariant(close == outcome.events.count - 1, "events after a close")
    }
    for event in outcome.events {
        switch event {
        case .text(let text): invariant(text.utf8.count <= maxMessageBytes, "a text of \(text.utf8.count) bytes")
        case .binary(let bytes): invariant(bytes.count <= maxMessageBytes, "a binary of \(bytes.count) bytes")
        case .ping(let payload), .pong(let payload): invariant(payload.count <= 125, "a control payload of \(payload.count) bytes")
        case .close: break
        }
    }
    return outcome
}

/// The events as unmasked server frames.
func encode(_ events: [WebSocketFrameEvent]) -> [UInt8] {
    var out: [UInt8] = []
    for event in events {
        switch event {
        case .text(let text): out += WebSocketFrameEncoder.text(text)
        case .binary(let bytes): out += WebSocketFrameEncoder.binary(bytes)
        case .ping(let payload): out += WebSocketFrameEncoder.ping(payload)
        case .pong(let payload): out += WebSocketFrameEncoder.pong(payload)
        case .close(nil, _): out += WebSocketFrameEncoder.encode(opcode: .close, payload: [])
        case .close(let code?, let reason):
            out += WebSocketFrameEncoder.encode(opcode: .close, payload: WebSocketFrameEncoder.closePayload(code: code, reason: reason))
        }
    }
    return out
}

runFuzzer { bytes in
    let pieces = Splits.pieces(of: bytes)
    let deflate = PerMessageDeflate.Direction(maxWindowBits: 15, noContextTakeover: false)
    // Server side plain and compressed; client side (`tina4 listen` facing a hostile server) plain.
    for (masked, compression) in [(true, nil), (true, deflate), (false, nil)] {
        let options = WebSocketDecoderOptions(maxMessageBytes: maxMessageBytes, requireMaskedFrames: masked, perMessageDeflate: compression)
        let whole = decode([bytes], options: options)
        let split = decode(pieces, options: options)
        invariant(whole == split, "fed in pieces, the events or the close code differ (masked: \(masked), deflate: \(compression != nil))")
        let frames = encode(whole.events)
        let client = WebSocketDecoderOptions(maxMessageBytes: maxMessageBytes, requireMaskedFrames: false)
        let again = frames.withUnsafeBytes { decode([$0], options: client) }
        invariant(again.errorCode == nil && again.events == whole.events, "the events, encoded again, decode differently")
    }
}
