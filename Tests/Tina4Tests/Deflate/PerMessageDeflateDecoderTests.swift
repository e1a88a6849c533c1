import Testing
@testable import Tina4

/// Client-side (masked) frames of one compressed message, its payload cut into `fragments`
/// pieces; RSV1 only on the first.
func compressedFrames(_ compressed: [UInt8], opcode: UInt8, fragments: Int = 1, mask: [UInt8]? = [0x11, 0x22, 0x33, 0x44]) -> [UInt8] {
    let size = max(1, (compressed.count + fragments - 1) / max(fragments, 1))
    var out: [UInt8] = []
    var at = 0
    var first = true
    repeat {
        let end = min(compressed.count, at + size)
        out += rawFrame(first ? opcode : 0, Array(compressed[at..<end]), fin: end == compressed.count, rsv: first ? 4 : 0, mask: mask)
        first = false
        at = end
    } while at < compressed.count
    return out
}

@Suite("permessage-deflate: frame decoder")
struct PerMessageDeflateDecoderTests {
    static let options = WebSocketDecoderOptions(perMessageDeflate: .init(maxWindowBits: 15, noContextTakeover: false))
    static let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]

    @Test func rfcCompressedAndFragmentedHello() {
        // RFC 7692 §7.2.3.1, as a client sends them (masked)
        #expect(decodeAll(rawFrame(1, Self.hello, rsv: 4), options: Self.options).value == [.text("Hello")])
        let fragmented = rawFrame(1, [0xF2, 0x48, 0xCD], fin: false, rsv: 4) + rawFrame(0, [0xC9, 0xC9, 0x07, 0x00])
        #expect(decodeAll(fragmented, options: Self.options).value == [.text("Hello")])
        // unmasked, on the client side
        let client = WebSocketDecoderOptions(requireMaskedFrames: false, perMessageDeflate: .init())
        #expect(decodeAll([0xC1, 0x07] + Self.hello, options: client).value == [.text("Hello")])
        #expect(decodeAll([0x41, 0x03, 0xF2, 0x48, 0xCD, 0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00], options: client).value == [.text("Hello")])
    }

    @Test func uncompressedMessagesStillPassWhenNegotiated() {
        let bytes = rawFrame(1, utf8("plain")) + rawFrame(1, Self.hello, rsv: 4) + rawFrame(2, [1, 2, 3])
        #expect(decodeAll(bytes, options: Self.options).value == [.text("plain"), .text("Hello"), .binary([1, 2, 3])])
    }

    @Test("fragmented compressed messages, any fragment count and read split",
          arguments: [1, 2, 7, 50], [[1], [3, 1000, 7], [65536]])
    func fragmented(fragments: Int, splits: [Int]) throws {
        let message = chatLikeText(20_000, seed: UInt64(fragments))
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: false))
        let compressed = try compressMessage(&deflater, message)
        let bytes = compressedFrames(compressed, opcode: 1, fragments: fragments)
        let text = String(decoding: message, as: UTF8.self)
        #expect(decodeInChunks(bytes + rawFrame(9, [7]), sizes: splits, options: Self.options).value == [.text(text), .ping([7])])
    }

    @Test func controlFrameBetweenCompressedFragments() throws {
        let bytes = rawFrame(2, [0xF2, 0x48, 0xCD], fin: false, rsv: 4) + rawFrame(9, [1]) + rawFrame(0, [0xC9, 0xC9], fin: false)
            + rawFrame(10, []) + rawFrame(0, [0x07, 0x00])
        #expect(decodeAll(bytes, options: Self.options).value == [.ping([1]), .pong([]), .binary(utf8("Hello"))])
    }

    @Test func contextTakeoverAcrossMessagesFromTheClient() throws {
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: false))
        var bytes: [UInt8] = []
        var expected: [WebSocketFrameEvent] = []
        for index in 0..<5 {
            let message = chatLikeText(2000, seed: 77)       // the same text: later ones are back-references
            let compressed = try compressMessage(&deflater, message)
            if index > 0 { #expect(compressed.count < 100) }
            bytes += rawFrame(1, compressed, rsv: 4)
            expected.append(.text(String(decoding: message, as: UTF8.self)))
        }
        var decoder = WebSocketFrameDecoder(options: Self.options)
        #expect(decoder.events(bytes) == expected)
        #expect(decoder.holdsInflaterState)                  // the window is kept between messages
    }

    @Test func noContextTakeoverFreesTheInflaterAfterEachMessage() throws {
        var decoder = WebSocketFrameDecoder(options: .init(perMessageDeflate: .init(maxWindowBits: 15, noContextTakeover: true)))
        #expect(!decoder.holdsInflaterState)
        #expect(decoder.events(rawFrame(1, Self.hello, rsv: 4)) == [.text("Hello")])
        #expect(!decoder.holdsInflaterState)
        #expect(decoder.events(rawFrame(1, Self.hello, rsv: 4)) == [.text("Hello")])
        #expect(decoder.retainedCapacity == 0)
    }

    // MARK: RSV1 misuse

    @Test func rsv1WithoutTheExtensionIs1002() {
        #expect(errorCode(rawFrame(1, Self.hello, rsv: 4)) == 1002)
    }

    @Test("RSV1 on control frames is 1002", arguments: [UInt8(8), 9, 10])
    func rsv1OnControl(opcode: UInt8) {
        #expect(errorCode(rawFrame(opcode, opcode == 8 ? [3, 232] : [], rsv: 4), options: Self.options) == 1002)
    }

    @Test func rsv1OnAContinuationFrameIs1002() {
        let bytes = rawFrame(1, [0xF2, 0x48, 0xCD], fin: false, rsv: 4) + rawFrame(0, [0xC9, 0xC9, 0x07, 0x00], rsv: 4)
        #expect(errorCode(bytes, options: Self.options) == 1002)
        let plainFirst = rawFrame(1, utf8("He"), fin: false) + rawFrame(0, utf8("llo"), rsv: 4)
        #expect(errorCode(plainFirst, options: Self.options) == 1002)
    }

    @Test("RSV2 and RSV3 stay 1002 with the extension", arguments: [UInt8(2), 1, 6])
    func otherReservedBits(rsv: UInt8) {
        #expect(errorCode(rawFrame(1, Self.hello, rsv: rsv), options: Self.options) == 1002)
    }

    // MARK: limits and bad data

    @Test func zipBombIs1009AndTheBufferStaysBounded() throws {
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: true), level: 9)
        let bomb = try compressMessage(&deflater, [UInt8](repeating: 0x61, count: 64 << 20))   // 64 MiB of "a"
        let limit = 256 * 1024
        var decoder = WebSocketFrameDecoder(options: .init(maxMessageBytes: limit, perMessageDeflate: .init()))
        var peak = 0
        var error: WebSocketProtocolError?
        let frames = compressedFrames(bomb, opcode: 1, fragments: 16)
        var at = 0
        while at < frames.count, error == nil {
            let end = min(frames.count, at + 4096)
            error = decoder.decode(Array(frames[at..<end])).error
            peak = max(peak, decoder.bufferedByteCount)
            at = end
        }
        #expect(error?.code == .messageTooBig)
        #expect(peak <= limit + 1)
        #expect(at < frames.count / 4)                         // it stopped early, not at the end of the bomb
    }

    @Test func compressedBytesAreBoundedToo() {
        // A declared compressed length far past the limit fails from the header alone.
        let options = WebSocketDecoderOptions(maxMessageBytes: 1000, perMessageDeflate: .init())
        var header: [UInt8] = [0xC1, 0xFE, 0x40, 0x00]       // RSV1 text, masked, 16384 bytes
        header += [1, 2, 3, 4]
        #expect(errorCode(header, options: options) == 1009)
    }

    @Test func inflatedTextMustBeUTF8() throws {
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: true))
        let bad = try compressMessage(&deflater, [0x48, 0xFF, 0x48])
        #expect(errorCode(rawFrame(1, bad, rsv: 4), options: Self.options) == 1007)
        let truncated = try compressMessage(&deflater, [0x48, 0xE2, 0x82])   // ends inside "€"
        #expect(errorCode(rawFrame(1, truncated, rsv: 4), options: Self.options) == 1007)
        let binary = try compressMessage(&deflater, [0x48, 0xFF, 0x48])
        #expect(decodeAll(rawFrame(2, binary, rsv: 4), options: Self.options).value == [.binary([0x48, 0xFF, 0x48])])
    }

    @Test func corruptCompressedDataIs1007() {
        #expect(errorCode(rawFrame(1, [0xFF, 0xFF, 0xFF], rsv: 4), options: Self.options) == 1007)
    }
}
