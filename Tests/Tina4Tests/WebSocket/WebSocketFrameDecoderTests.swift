import Testing
@testable import Tina4

@Suite("WebSocket frame decoder: framing")
struct WebSocketFrameDecoderTests {
    static let client = WebSocketDecoderOptions(requireMaskedFrames: false)

    // MARK: RFC 6455 §5.7 examples

    @Test func rfcUnmaskedHelloOnTheClientSide() {
        let bytes: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(decodeAll(bytes, options: Self.client).value == [.text("Hello")])
    }

    @Test func rfcMaskedHelloOnTheServerSide() {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(decodeAll(bytes).value == [.text("Hello")])
    }

    @Test func rfcFragmentedUnmaskedHello() {
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F]
        #expect(decodeAll(bytes, options: Self.client).value == [.text("Hello")])
    }

    @Test func rfcPingAndMaskedPong() {
        let ping: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(decodeAll(ping, options: Self.client).value == [.ping(utf8("Hello"))])
        let pong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(decodeAll(pong).value == [.pong(utf8("Hello"))])
    }

    @Test func rfc256ByteAnd64KiBBinaryFrames() {
        let small = [UInt8](repeating: 7, count: 256)
        let big = [UInt8](repeating: 9, count: 65536)
        let bytes = [0x82, 0x7E, 0x01, 0x00] + small + [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0] + big
        #expect(decodeAll(bytes, options: Self.client).value == [.binary(small), .binary(big)])
    }

    // MARK: lengths

    @Test("7, 16 and 64-bit lengths", arguments: [0, 1, 125, 126, 127, 1000, 65535, 65536, 70001])
    func lengths(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let payload = randomBytes(count, using: &rng)
        #expect(decodeAll(rawFrame(2, payload)).value == [.binary(payload)])
    }

    @Test("non-minimal length encodings are accepted", arguments: [TestLengthEncoding.sixteen, .sixtyFour])
    func nonMinimalLengths(encoding: TestLengthEncoding) {
        #expect(decodeAll(rawFrame(1, utf8("hi"), length: encoding)).value == [.text("hi")])
    }

    @Test func sixtyFourBitLengthWithTopBitSetIsAProtocolError() {
        let header: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4]
        #expect(errorCode(header) == 1002)
    }

    @Test func emptyFramesOfEveryKind() {
        let bytes = rawFrame(1) + rawFrame(2) + rawFrame(9) + rawFrame(10) + rawFrame(1, fin: false) + rawFrame(0)
        #expect(decodeAll(bytes).value == [.text(""), .binary([]), .ping([]), .pong([]), .text("")])
    }

    // MARK: header bits

    @Test("RSV bits without an extension → 1002", arguments: [UInt8(4), 2, 1])
    func reservedBits(rsv: UInt8) {
        #expect(errorCode(rawFrame(1, utf8("x"), rsv: rsv)) == 1002)
    }

    @Test func rsv1IsAcceptedOnlyOnFirstDataFramesWhenAllowed() {
        let allow = WebSocketDecoderOptions(perMessageDeflate: .init())   // permessage-deflate negotiated
        let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]   // "Hello", RFC 7692 §7.2.3.1
        #expect(decodeAll(rawFrame(2, hello, rsv: 4), options: allow).value == [.binary(utf8("Hello"))])
        #expect(errorCode(rawFrame(9, [], rsv: 4), options: allow) == 1002)
        #expect(errorCode(rawFrame(2, [1], fin: false) + rawFrame(0, [2], rsv: 4), options: allow) == 1002)
        #expect(errorCode(rawFrame(2, [1, 2], rsv: 2), options: allow) == 1002)
    }

    @Test("reserved opcodes → 1002", arguments: [UInt8(3), 4, 5, 6, 7, 11, 12, 13, 14, 15])
    func reservedOpcodes(opcode: UInt8) {
        #expect(errorCode(rawFrame(opcode, [1, 2, 3])) == 1002)
    }

    @Test func unmaskedClientFrameIsAProtocolError() {
        #expect(errorCode(rawFrame(1, utf8("hi"), mask: nil)) == 1002)
    }

    @Test func maskedServerFrameIsAProtocolErrorOnTheClient() {
        #expect(errorCode(rawFrame(1, utf8("hi")), options: Self.client) == 1002)
        #expect(decodeAll(rawFrame(1, utf8("hi"), mask: nil), options: Self.client).value == [.text("hi")])
    }

    @Test func headerChecksFireOnTheFirstTwoBytes() {
        var decoder = WebSocketFrameDecoder()
        #expect(decoder.decode([0x83]).error?.code == .protocolError)          // reserved opcode, 1 byte in
        var unmasked = WebSocketFrameDecoder()
        #expect(unmasked.decode([0x81, 0x05]).error?.code == .protocolError)   // no payload yet
    }

    // MARK: control frames

    @Test func controlFrameOver125BytesIsAProtocolError() {
        #expect(errorCode(rawFrame(9, [UInt8](repeating: 1, count: 126))) == 1002)
        #expect(errorCode(rawFrame(8, [0x03, 0xE8] + [UInt8](repeating: 0x61, count: 124))) == 1002)
        #expect(decodeAll(rawFrame(9, [UInt8](repeating: 1, count: 125))).value == [.ping([UInt8](repeating: 1, count: 125))])
    }

    @Test func fragmentedControlFrameIsAProtocolError() {
        #expect(errorCode(rawFrame(9, [1], fin: false)) == 1002)
        #expect(errorCode(rawFrame(10, [1], fin: false)) == 1002)
        #expect(errorCode(rawFrame(8, [0x03, 0xE8], fin: false)) == 1002)
    }

    @Test func controlFramesBetweenFragmentsComeOutImmediately() throws {
        var decoder = WebSocketFrameDecoder()
        let got1 = decoder.events(rawFrame(1, utf8("Hel"), fin: false) + rawFrame(9, utf8("p1")))
        #expect(got1 == [.ping(utf8("p1"))])
        let got2 = decoder.events(rawFrame(10, utf8("p2")))
        #expect(got2 == [.pong(utf8("p2"))])
        let got3 = decoder.events(rawFrame(0, utf8("lo")))
        #expect(got3 == [.text("Hello")])
    }

    @Test func pingAndPongPayloadsAreReturnedAsIs() {
        let payload: [UInt8] = [0, 0xFF, 0xC0, 0x80, 0xED, 0xA0]   // not UTF-8, and that is fine
        #expect(decodeAll(rawFrame(9, payload) + rawFrame(10, payload)).value == [.ping(payload), .pong(payload)])
    }

    // MARK: fragmentation

    @Test func continuationWithoutAMessageIsAProtocolError() {
        #expect(errorCode(rawFrame(0, utf8("lo"))) == 1002)
        #expect(errorCode(rawFrame(1, utf8("a")) + rawFrame(0, utf8("b"))) == 1002)
    }

    @Test func newDataFrameDuringAFragmentedMessageIsAProtocolError() {
        #expect(errorCode(rawFrame(1, utf8("a"), fin: false) + rawFrame(1, utf8("b"))) == 1002)
        #expect(errorCode(rawFrame(2, [1], fin: false) + rawFrame(2, [2])) == 1002)
    }

    @Test func manyFragmentsReassemble() {
        var bytes = rawFrame(2, [0], fin: false)
        for i in 1..<200 { bytes += rawFrame(0, [UInt8(i)], fin: i == 199) }
        #expect(decodeAll(bytes).value == [.binary((0..<200).map { UInt8($0) })])
    }

    // MARK: splits

    static let stream: [UInt8] = rawFrame(1, utf8("first message"))
        + rawFrame(1, utf8("κό"), fin: false) + rawFrame(9, utf8("ping!")) + rawFrame(0, utf8("σμε 🎉"), fin: false, mask: [9, 8, 7, 6])
        + rawFrame(0, utf8(" end"))
        + rawFrame(2, (0..<300).map { UInt8($0 & 0xFF) })
        + rawFrame(1, [])
        + rawFrame(8, [0x03, 0xE8] + utf8("bye"))
    static let streamEvents: [WebSocketFrameEvent] = [
        .text("first message"), .ping(utf8("ping!")), .text("κόσμε 🎉 end"),
        .binary((0..<300).map { UInt8($0 & 0xFF) }), .text(""), .close(code: 1000, reason: "bye"),
    ]

    @Test("any chunk size gives the same events", arguments: [1, 2, 3, 5, 7, 13, 64, 1000])
    func chunkSizes(size: Int) {
        #expect(decodeInChunks(Self.stream, sizes: [size]).value == Self.streamEvents)
    }

    @Test func everyTwoWaySplitGivesTheSameEvents() {
        for cut in 0...Self.stream.count {
            #expect(decodeInChunks(Self.stream, sizes: [max(cut, 1), Self.stream.count]).value == Self.streamEvents, "cut \(cut)")
        }
    }

    @Test func randomSplitsGiveTheSameEvents() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let sizes = (0..<5).map { _ in Int.random(in: 1...40, using: &rng) }
            #expect(decodeInChunks(Self.stream, sizes: sizes).value == Self.streamEvents, "\(sizes)")
        }
    }

    // MARK: close and lifecycle

    @Test func bytesAfterACloseFrameAreIgnored() throws {
        var decoder = WebSocketFrameDecoder()
        let got4 = decoder.events(rawFrame(8) + rawFrame(1, utf8("late")))
        #expect(got4 == [.close(code: nil, reason: "")])
        #expect(decoder.isClosed)
        let got5 = decoder.events(rawFrame(1, utf8("later")))
        #expect(got5 == [])
    }

    @Test func aDeadDecoderReturnsItsErrorAgain() {
        var decoder = WebSocketFrameDecoder()
        let error = WebSocketProtocolError(code: .protocolError, reason: "reserved opcode 3")
        #expect(decoder.decode(rawFrame(3)) == WebSocketDecodeResult(events: [], error: error))
        #expect(decoder.decode(rawFrame(1, utf8("fine"))) == WebSocketDecodeResult(events: [], error: error))
        #expect(decoder.bufferedByteCount == 0)
        #expect(decoder.retainedCapacity == 0)
    }

    // MARK: events before a violation

    @Test func eventsBeforeAViolationInTheSameInputAreReturnedWithIt() {
        var decoder = WebSocketFrameDecoder()
        // The audit's repro: masked "hello", then a frame with reserved opcode 5, in one read.
        let bytes = rawFrame(1, utf8("hello"), mask: [1, 2, 3, 4]) + [0x85, 0x80, 1, 2, 3, 4]
        let result = decoder.decode(bytes)
        #expect(result.events == [.text("hello")])
        #expect(result.error == WebSocketProtocolError(code: .protocolError, reason: "reserved opcode 5"))
    }

    @Test("every kind of event survives a violation that follows it", arguments: [
        ([UInt8(0x83), 0x80, 0, 0, 0, 0], UInt16(1002)),               // reserved opcode
        (rawFrame(1, [0x61, 0xFF]), 1007),                                // invalid UTF-8, whole frame
        (rawFrame(1, [0x61, 0xFF] + [UInt8](repeating: 0x61, count: 300)).prefix(12).map { $0 }, 1007), // ... partial
        (rawFrame(9, [UInt8](repeating: 0, count: 126)), 1002),           // control frame over 125 bytes
        ([0x82, 0xFE, 0x03, 0xE9, 1, 2, 3, 4], 1009),                     // over the limit, header only
    ] as [([UInt8], UInt16)])
    func eventsSurviveAFollowingViolation(bad: [UInt8], code: UInt16) {
        let good = rawFrame(1, utf8("text")) + rawFrame(2, [1, 2]) + rawFrame(9, utf8("ping")) + rawFrame(10, utf8("pong"))
            + rawFrame(1, utf8("frag"), fin: false) + rawFrame(0, utf8("mented"))
        let expected: [WebSocketFrameEvent] = [.text("text"), .binary([1, 2]), .ping(utf8("ping")), .pong(utf8("pong")), .text("fragmented")]
        // In one input, and fed byte by byte: the same events, then the same error.
        var whole = WebSocketFrameDecoder(options: .init(maxMessageBytes: 1000))
        let result = whole.decode(good + bad)
        #expect(result.events == expected)
        #expect(result.error?.code.rawValue == code)
        var bytewise = WebSocketFrameDecoder(options: .init(maxMessageBytes: 1000))
        var events: [WebSocketFrameEvent] = []
        var error: WebSocketProtocolError?
        for byte in good + bad where error == nil {
            let step = bytewise.decode([byte])
            events += step.events
            error = step.error
        }
        #expect(events == expected)
        #expect(error?.code.rawValue == code)
    }

    @Test func aViolationInsideAFragmentedMessageKeepsTheEventsBeforeIt() {
        var decoder = WebSocketFrameDecoder()
        let bytes = rawFrame(1, utf8("done")) + rawFrame(1, utf8("ab"), fin: false) + rawFrame(9, utf8("p"))
            + rawFrame(0, [0xFF])
        let result = decoder.decode(bytes)
        #expect(result.events == [.text("done"), .ping(utf8("p"))])
        #expect(result.error?.code == .invalidPayload)
    }

    @Test func aCloseFrameEndsDecodingBeforeALaterBadFrame() {
        var decoder = WebSocketFrameDecoder()
        let result = decoder.decode(rawFrame(1, utf8("x")) + rawFrame(8, [0x03, 0xE8]) + [0x83, 0x80, 0, 0, 0, 0])
        #expect(result == WebSocketDecodeResult(events: [.text("x"), .close(code: 1000, reason: "")]))
    }

    @Test func errorReasonsFitACloseFrame() {
        let reasons = [rawFrame(3), rawFrame(1, [0xFF]), rawFrame(2, [UInt8](repeating: 0, count: 200))].compactMap { bytes -> String? in
            if case .failure(let error) = decodeAll(bytes, options: .init(maxMessageBytes: 100)) { return error.reason }
            return nil
        }
        #expect(reasons.count == 3)
        for reason in reasons { #expect(reason.utf8.count <= 123 && !reason.isEmpty) }
    }
}
