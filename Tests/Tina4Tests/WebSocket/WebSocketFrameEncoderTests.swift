import Testing
@testable import Tina4

@Suite("WebSocket frame encoder and mask")
struct WebSocketFrameEncoderTests {
    @Test func rfcExamples() {
        #expect(WebSocketFrameEncoder.text("Hello") == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        let masked = WebSocketFrameEncoder.encode(opcode: .text, payload: utf8("Hello"), maskingKey: (0x37, 0xFA, 0x21, 0x3D))
        #expect(masked == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(WebSocketFrameEncoder.ping(utf8("Hello")) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(Array(WebSocketFrameEncoder.binary([UInt8](repeating: 0, count: 256)).prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(Array(WebSocketFrameEncoder.binary([UInt8](repeating: 0, count: 65536)).prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test("minimal header sizes", arguments: [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10), (1 << 40, 10)])
    func headerSizes(length: Int, size: Int) {
        let header = WebSocketFrameEncoder.header(opcode: .binary, payloadLength: length)
        #expect(header.count == size)
        var decoded = [0x82, 0x80 | header[1]] + header[2...] + [0, 0, 0, 0]   // masked, for the parser
        decoded[1] = header[1] | 0x80
        #expect(decoded.withUnsafeBytes { WebSocketFrameHeader(parsing: $0).payloadLength } == UInt64(length))
    }

    @Test func finAndRSV1Bits() {
        #expect(WebSocketFrameEncoder.header(opcode: .text, payloadLength: 1, fin: false)[0] == 0x01)
        #expect(WebSocketFrameEncoder.header(opcode: .continuation, payloadLength: 1)[0] == 0x80)
        #expect(WebSocketFrameEncoder.header(opcode: .binary, payloadLength: 1, rsv1: true)[0] == 0xC2)
    }

    @Test func closeFramePayload() {
        #expect(WebSocketFrameEncoder.close(code: .normal) == [0x88, 0x02, 0x03, 0xE8])
        #expect(WebSocketFrameEncoder.close(code: .goingAway, reason: "bye") == [0x88, 0x05, 0x03, 0xE9] + utf8("bye"))
    }

    @Test("close reason is cut at a scalar boundary to fit 125 bytes", arguments: ["é", "€", "🎉", "a"])
    func closeReasonTruncation(unit: String) {
        let frame = WebSocketFrameEncoder.close(code: .policyViolation, reason: String(repeating: unit, count: 200))
        let payloadLength = Int(frame[1])
        #expect(payloadLength <= 125)
        #expect(payloadLength > 125 - 4)
        let result = decodeAll(frame, options: .init(requireMaskedFrames: false))
        guard case .success(let events) = result, case .close(let code, let reason)? = events.first else {
            Issue.record("did not decode: \(result)")
            return
        }
        #expect(code == 1008)
        #expect(reason.utf8.count == payloadLength - 2)
        #expect(reason.unicodeScalars.allSatisfy { $0 == unit.unicodeScalars.first })
    }

    @Test func controlPayloadsAreCutTo125Bytes() {
        let long = [UInt8](repeating: 1, count: 300)
        #expect(WebSocketFrameEncoder.ping(long).count == 127)
        #expect(WebSocketFrameEncoder.pong(long).count == 127)
    }

    @Test("masked round trip through the server decoder", arguments: [0, 1, 3, 7, 8, 9, 31, 32, 33, 125, 126, 127, 65535, 65536, 100_003])
    func roundTrip(count: Int) throws {
        var rng = SplitMix64(seed: UInt64(count) &+ 99)
        let payload = randomBytes(count, using: &rng)
        let key = (UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng),
                   UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng))
        let frame = WebSocketFrameEncoder.encode(opcode: .binary, payload: payload, maskingKey: key)
        #expect(decodeAll(frame).value == [.binary(payload)])
        #expect(decodeInChunks(frame, sizes: [5, 3, 1000, 7]).value == [.binary(payload)])
        let text = String(repeating: "añ€🎉", count: count / 4)
        let textFrame = WebSocketFrameEncoder.encode(opcode: .text, payload: utf8(text), maskingKey: key)
        #expect(decodeInChunks(textFrame, sizes: [9, 2, 333]).value == [.text(text)])
        #expect(decodeAll(WebSocketFrameEncoder.text(text), options: .init(requireMaskedFrames: false)).value == [.text(text)])
    }

    @Test func maskAppliesAtAnyOffsetLikeTheBytewiseDefinition() {
        let key: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4]
        let mask = WebSocketMask(key[0], key[1], key[2], key[3])
        var rng = SplitMix64(seed: 3)
        let source = randomBytes(77, using: &rng)
        for start in 0..<12 {
            for count in [0, 1, 5, 8, 9, 33, 65] where start + count <= source.count {
                var piece = Array(source[start..<start + count])
                piece.withUnsafeMutableBytes { mask.apply(to: $0, payloadOffset: start) }
                let expected = (0..<count).map { source[start + $0] ^ key[(start + $0) % 4] }
                #expect(piece == expected, "start \(start) count \(count)")
            }
        }
        #expect(mask.bytes == (0xA1, 0xB2, 0xC3, 0xD4))
    }
}
