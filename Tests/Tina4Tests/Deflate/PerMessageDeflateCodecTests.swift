import Testing
@testable import Tina4

/// Compressible, not trivially so: words from a small vocabulary, pseudo-random order.
func chatLikeText(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let words = ["hello", "room", "message", "\"type\":", "{\"user\":", "typing", "online", "42", "}", ",", " "]
    var out: [UInt8] = []
    out.reserveCapacity(count + 16)
    while out.count < count { out += Array(words[Int.random(in: 0..<words.count, using: &rng)].utf8) }
    return Array(out.prefix(count))
}

struct CompressionFailed: Error {}

/// The compressed payload, or a thrown error if zlib failed.
func compressMessage(_ deflater: inout PerMessageDeflater, _ message: [UInt8]) throws -> [UInt8] {
    guard let compressed = deflater.compress(message) else { throw CompressionFailed() }
    return compressed
}

func inflateMessage(_ inflater: inout PerMessageInflater, _ payload: [UInt8], limit: Int = 1 << 24) throws(WebSocketProtocolError) -> [UInt8] {
    var out: [UInt8] = []
    try inflater.inflate(payload, into: &out, limit: limit)
    try inflater.finishMessage(into: &out, limit: limit)
    return out
}

@Suite("permessage-deflate: codec (RFC 7692 §7.2)")
struct PerMessageDeflateCodecTests {
    static let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
    static let takeover = PerMessageDeflate.Direction(maxWindowBits: 15, noContextTakeover: false)
    static let fresh = PerMessageDeflate.Direction(maxWindowBits: 15, noContextTakeover: true)

    // MARK: RFC 7692 §7.2.3 examples

    @Test func compressesHelloAsTheRFCShows() throws {
        var deflater = PerMessageDeflater(Self.fresh)
        #expect(try compressMessage(&deflater, utf8("Hello")) == Self.hello)                 // §7.2.3.1
        #expect(try compressMessage(&deflater, utf8("Hello")) == Self.hello)                 // no context: the same again
    }

    @Test func sharedWindowMakesTheSecondHelloShorter() throws {
        var deflater = PerMessageDeflater(Self.takeover)
        #expect(try compressMessage(&deflater, utf8("Hello")) == Self.hello)
        #expect(try compressMessage(&deflater, utf8("Hello")) == [0xF2, 0x00, 0x11, 0x00, 0x00])   // §7.2.3.2
    }

    @Test("inflates each RFC 7692 §7.2.3 payload", arguments: [
        [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00],                                    // 7.2.3.1
        [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00],            // 7.2.3.3 stored block
        [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00],                              // 7.2.3.4 BFINAL set
        [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00], // 7.2.3.5 two blocks
    ] as [[UInt8]])
    func rfcPayloads(_ payload: [UInt8]) throws {
        var inflater = PerMessageInflater(Self.takeover)
        #expect(try inflateMessage(&inflater, payload) == utf8("Hello"))
        #expect(try inflateMessage(&inflater, Self.hello) == utf8("Hello"))         // and the stream goes on
    }

    @Test func inflatesTheRFCSharedWindowExample() throws {
        var inflater = PerMessageInflater(Self.takeover)
        #expect(try inflateMessage(&inflater, Self.hello) == utf8("Hello"))
        #expect(try inflateMessage(&inflater, [0xF2, 0x00, 0x11, 0x00, 0x00]) == utf8("Hello"))
    }

    @Test func emptyMessage() throws {
        var inflater = PerMessageInflater(Self.fresh)
        #expect(try inflateMessage(&inflater, [0x00]).isEmpty)                        // §7.2.3.6
        #expect(try inflateMessage(&inflater, []).isEmpty)
        var deflater = PerMessageDeflater(Self.fresh)
        let compressed = try compressMessage(&deflater, [UInt8]())
        #expect(try inflateMessage(&inflater, compressed).isEmpty)
    }

    // MARK: round trips

    @Test("round trip per window size, several messages, context kept or not",
          arguments: [8, 9, 10, 11, 12, 13, 14, 15], [false, true])
    func roundTrip(windowBits: Int, noContextTakeover: Bool) throws {
        let settings = PerMessageDeflate.Direction(maxWindowBits: windowBits, noContextTakeover: noContextTakeover)
        var deflater = PerMessageDeflater(settings)
        var inflater = PerMessageInflater(settings)
        for (index, size) in [0, 1, 200, 5000, 70_000, 200].enumerated() {
            let message = chatLikeText(size, seed: UInt64(index))
            let compressed = try compressMessage(&deflater, message)
            if size >= 5000 { #expect(compressed.count < size / 2) }
            #expect(try inflateMessage(&inflater, compressed) == message)
        }
        #expect(inflater.holdsState == !noContextTakeover)
    }

    @Test func contextTakeoverCompressesRepeatsAcrossMessages() throws {
        let message = chatLikeText(3000, seed: 9)
        var keeping = PerMessageDeflater(Self.takeover)
        var resetting = PerMessageDeflater(Self.fresh)
        let first = try compressMessage(&keeping, message)
        let second = try compressMessage(&keeping, message)
        #expect(second.count < first.count / 10)                 // refers back to the first message
        #expect(try compressMessage(&resetting, message) == (try compressMessage(&resetting, message)))
        // An inflater that does not keep context cannot read a message that refers back.
        var forgetful = PerMessageInflater(Self.fresh)
        #expect(try inflateMessage(&forgetful, first) == message)
        #expect(throws: WebSocketProtocolError(code: .invalidPayload, reason: "invalid compressed data")) {
            _ = try inflateMessage(&forgetful, second)
        }
    }

    @Test func pieceByPieceInflationEqualsWhole() throws {
        let message = chatLikeText(50_000, seed: 3)
        var deflater = PerMessageDeflater(Self.fresh)
        let compressed = try compressMessage(&deflater, message)
        var inflater = PerMessageInflater(Self.fresh)
        var out: [UInt8] = []
        var at = 0
        var size = 1
        while at < compressed.count {
            let end = min(compressed.count, at + size)
            try inflater.inflate(Array(compressed[at..<end]), into: &out, limit: 1 << 20)
            at = end
            size = size * 3 % 997 + 1
        }
        try inflater.finishMessage(into: &out, limit: 1 << 20)
        #expect(out == message)
    }

    // MARK: limits and state

    @Test func zipBombStopsAtTheLimitWithBoundedMemory() throws {
        var deflater = PerMessageDeflater(Self.fresh, level: 9)
        let bomb = try compressMessage(&deflater, [UInt8](repeating: 0, count: 50 << 20))   // 50 MiB of zeros
        #expect(bomb.count < 100_000)
        var inflater = PerMessageInflater(Self.fresh)
        var out: [UInt8] = []
        let limit = 1 << 20
        #expect(throws: WebSocketProtocolError(code: .messageTooBig, reason: "message inflates to over 1048576 bytes")) {
            try inflater.inflate(bomb, into: &out, limit: limit)
        }
        #expect(out.count == limit + 1)              // stopped one byte past the limit
        #expect(out.capacity <= 2 * limit + 64 * 1024)
    }

    @Test func exactlyTheLimitIsAccepted() throws {
        let message = chatLikeText(10_000)
        var deflater = PerMessageDeflater(Self.fresh)
        let compressed = try compressMessage(&deflater, message)
        var inflater = PerMessageInflater(Self.fresh)
        #expect(try inflateMessage(&inflater, compressed, limit: 10_000) == message)
        #expect(throws: WebSocketProtocolError.self) { _ = try inflateMessage(&inflater, compressed, limit: 9_999) }
    }

    @Test func corruptDataIs1007() {
        var inflater = PerMessageInflater(Self.fresh)
        #expect(throws: WebSocketProtocolError(code: .invalidPayload, reason: "invalid compressed data")) {
            _ = try inflateMessage(&inflater, [0xFF, 0xFF, 0xFF, 0xFF])
        }
    }

    @Test func stateIsAllocatedLazilyAndFreedWithoutContextTakeover() throws {
        var inflater = PerMessageInflater(Self.fresh)
        #expect(!inflater.holdsState)
        var out: [UInt8] = []
        try inflater.inflate([0xF2, 0x48, 0xCD], into: &out, limit: 100)
        #expect(inflater.holdsState)                 // mid-message
        try inflater.inflate([0xC9, 0xC9, 0x07, 0x00], into: &out, limit: 100)
        try inflater.finishMessage(into: &out, limit: 100)
        #expect(!inflater.holdsState)                // freed after the message
        #expect(out == utf8("Hello"))
        var keeping = PerMessageInflater(Self.takeover)
        _ = try inflateMessage(&keeping, Self.hello)
        #expect(keeping.holdsState)                  // the window is the context
        var deflater = PerMessageDeflater(Self.fresh)
        #expect(!deflater.holdsState)
        _ = deflater.compress(utf8("Hello"))
        #expect(deflater.holdsState)
    }

    @Test func copiesAreIndependent() throws {
        var a = PerMessageDeflater(Self.takeover)
        _ = a.compress(utf8("Hello"))
        var b = a                                    // copy-on-write: same history, separate streams
        #expect(try compressMessage(&a, utf8("Hello")) == [0xF2, 0x00, 0x11, 0x00, 0x00])
        #expect(try compressMessage(&b, utf8("Hello")) == [0xF2, 0x00, 0x11, 0x00, 0x00])
    }
}
