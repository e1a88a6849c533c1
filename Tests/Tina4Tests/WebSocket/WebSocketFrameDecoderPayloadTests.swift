import Testing
@testable import Tina4

@Suite("WebSocket frame decoder: UTF-8, close payloads, size limits")
struct WebSocketFrameDecoderPayloadTests {
    // MARK: UTF-8 of text messages

    @Test("invalid UTF-8 in a text frame → 1007", arguments: [
        [UInt8(0xFF)], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        utf8("valid start ") + [0x80],
    ])
    func invalidText(bytes: [UInt8]) {
        #expect(errorCode(rawFrame(1, bytes)) == 1007)
        #expect(errorCode(rawFrame(1, bytes, fin: false)) == 1007)            // as a first fragment, too
    }

    @Test func textEndingInsideASequenceIs1007() {
        #expect(errorCode(rawFrame(1, utf8("ab") + [0xE2, 0x82])) == 1007)
        #expect(errorCode(rawFrame(1, [0xE2], fin: false) + rawFrame(0, [0x82])) == 1007)
    }

    @Test func sequenceSplitAcrossFragmentsIsFine() {
        let euro = utf8("€")                                              // E2 82 AC
        let bytes = rawFrame(1, [euro[0]], fin: false) + rawFrame(0, [euro[1]], fin: false) + rawFrame(0, [euro[2]])
        #expect(decodeAll(bytes).value == [.text("€")])
    }

    @Test func firstFragmentEndingInATruncatedValidSequenceDoesNotThrow() throws {
        var decoder = WebSocketFrameDecoder()
        let got1 = decoder.events(rawFrame(1, utf8("a") + [0xF0, 0x9F], fin: false))
        #expect(got1 == [])
        let got2 = decoder.events(rawFrame(0, [0x8E, 0x89]))
        #expect(got2 == [.text("a🎉")])
    }

    @Test func invalidContinuationAcrossFragmentsFailsAtTheSecondFragment() throws {
        var decoder = WebSocketFrameDecoder()
        let got3 = decoder.events(rawFrame(1, [0xE2, 0x82], fin: false))
        #expect(got3 == [])
        #expect(decoder.decode(rawFrame(0, utf8("A"))).error?.code == .invalidPayload)
    }

    @Test func impossibleByteInAPartialPayloadFailsBeforeTheRestArrives() {
        let frame = rawFrame(1, utf8("abc") + [0xFF] + [UInt8](repeating: 0x61, count: 96))
        var decoder = WebSocketFrameDecoder()
        // Header (2 + 4 mask) plus the first 4 payload bytes; 96 bytes still owed.
        #expect(decoder.decode(Array(frame[..<10])).error
                == WebSocketProtocolError(code: .invalidPayload, reason: "text message is not valid UTF-8"))
    }

    @Test func impossibleByteFailsEvenWhenFedByteByByte() {
        let frame = rawFrame(1, [0x61, 0xED, 0xA0] + [UInt8](repeating: 0x61, count: 50))
        var decoder = WebSocketFrameDecoder()
        var failedAt: Int?
        for (i, byte) in frame.enumerated() {
            if let error = decoder.decode([byte]).error {
                #expect(error.code == .invalidPayload)
                failedAt = i
                break
            }
        }
        #expect(failedAt == 8)                                         // 6 header bytes, then "a", ED, A0
    }

    @Test func binaryIsNotValidated() {
        #expect(decodeAll(rawFrame(2, [0xFF, 0xC0])).value == [.binary([0xFF, 0xC0])])
    }

    // MARK: close payloads

    @Test func emptyClosePayloadHasNoCode() {
        #expect(decodeAll(rawFrame(8)).value == [.close(code: nil, reason: "")])
    }

    @Test func closePayloadOfOneByteIsAProtocolError() {
        #expect(errorCode(rawFrame(8, [0x03])) == 1002)
    }

    @Test("close codes not allowed on the wire → 1002", arguments: [UInt16(0), 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535])
    func badCloseCodes(code: UInt16) {
        #expect(errorCode(rawFrame(8, [UInt8(code >> 8), UInt8(code & 0xFF)])) == 1002)
    }

    @Test("close codes allowed on the wire", arguments: [UInt16(1000), 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999])
    func goodCloseCodes(code: UInt16) {
        let payload = [UInt8(code >> 8), UInt8(code & 0xFF)] + utf8("reason ✓")
        #expect(decodeAll(rawFrame(8, payload)).value == [.close(code: code, reason: "reason ✓")])
    }

    @Test func closeReasonThatIsNotUTF8Is1007() {
        #expect(errorCode(rawFrame(8, [0x03, 0xE8, 0x61, 0xFF])) == 1007)
        #expect(errorCode(rawFrame(8, [0x03, 0xE8, 0xE2, 0x82])) == 1007)            // truncated sequence
    }

    // MARK: size limit

    @Test func declaredLengthOverTheLimitFailsFromTheHeaderAlone() {
        let options = WebSocketDecoderOptions(maxMessageBytes: 1000)
        let header: [UInt8] = [0x82, 0xFE, 0x03, 0xE9, 1, 2, 3, 4]                 // 1001 bytes declared, none sent
        #expect(errorCode(header, options: options) == 1009)
        let huge: [UInt8] = [0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4]
        #expect(errorCode(huge) == 1009)
    }

    @Test func aMessageOfExactlyTheLimitPasses() {
        let options = WebSocketDecoderOptions(maxMessageBytes: 1000)
        let payload = [UInt8](repeating: 1, count: 1000)
        #expect(decodeAll(rawFrame(2, payload), options: options).value == [.binary(payload)])
    }

    @Test func fragmentsAddingUpOverTheLimitAre1009() {
        let options = WebSocketDecoderOptions(maxMessageBytes: 1000)
        let part = [UInt8](repeating: 0x61, count: 400)
        let bytes = rawFrame(1, part, fin: false) + rawFrame(0, part, fin: false) + rawFrame(0, part)
        #expect(errorCode(bytes, options: options) == 1009)
        // Control frames do not count towards the message.
        let ok = rawFrame(1, part, fin: false) + rawFrame(9, [UInt8](repeating: 0, count: 125)) + rawFrame(0, part)
        #expect(decodeAll(ok, options: options).value?.count == 2)
    }

    @Test func bufferedBytesStayWithinTheLimit() throws {
        let options = WebSocketDecoderOptions(maxMessageBytes: 4096)
        var decoder = WebSocketFrameDecoder(options: options)
        let first = rawFrame(2, [UInt8](repeating: 1, count: 4000), fin: false)
        _ = decoder.events(first)
        #expect(decoder.bufferedByteCount == 4000)
        let ping = rawFrame(9, [UInt8](repeating: 2, count: 125))
        _ = decoder.events(Array(ping[..<100]))
        #expect(decoder.bufferedByteCount == 4000 + 94)
        #expect(decoder.bufferedByteCount <= options.maxMessageBytes + 125)
        _ = decoder.events(Array(ping[100...]))
        let end = decoder.events(rawFrame(0, [UInt8](repeating: 3, count: 96)))
        #expect(end.count == 1)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func partialHeaderIsHeld() throws {
        var decoder = WebSocketFrameDecoder()
        let frame = rawFrame(2, [UInt8](repeating: 5, count: 70000))
        let got4 = decoder.events(Array(frame[..<7]))
        #expect(got4 == [])
        #expect(decoder.bufferedByteCount == 7)
        let got5 = decoder.events(Array(frame[7...]))
        #expect(got5 == [.binary([UInt8](repeating: 5, count: 70000))])
    }

    // MARK: memory between messages

    @Test("a message split across reads leaves no buffer behind", arguments: [UInt8(1), 2])
    func splitMessageReleasesItsBuffer(opcode: UInt8) {
        var decoder = WebSocketFrameDecoder()
        let frame = rawFrame(opcode, [UInt8](repeating: 0x61, count: 60_000))   // the audit's 60 kB in two reads
        #expect(decoder.events(Array(frame[..<30_000])) == [])
        #expect(decoder.retainedCapacity >= 30_000 - 8)                         // it is held while partial
        #expect(decoder.events(Array(frame[30_000...])).count == 1)
        #expect(decoder.retainedCapacity == 0)
    }

    @Test func aFragmentedTextMessageLeavesNoBufferBehind() {
        var decoder = WebSocketFrameDecoder()
        #expect(decoder.events(rawFrame(1, utf8("κό"), fin: false)) == [])
        #expect(decoder.events(rawFrame(0, utf8("σμε"))) == [.text("κόσμε")])
        #expect(decoder.retainedCapacity == 0)
    }

    @Test func aControlFrameOrHeaderSplitAcrossReadsLeavesNoBufferBehind() {
        var decoder = WebSocketFrameDecoder()
        let ping = rawFrame(9, [UInt8](repeating: 7, count: 125))
        #expect(decoder.events(Array(ping[..<3])) == [])                      // header split
        #expect(decoder.events(Array(ping[3..<50])) == [])                    // payload split
        #expect(decoder.retainedCapacity > 0)
        #expect(decoder.events(Array(ping[50...])) == [.ping([UInt8](repeating: 7, count: 125))])
        #expect(decoder.retainedCapacity == 0)
        let header = rawFrame(2, [UInt8](repeating: 1, count: 300))
        #expect(decoder.events(Array(header[..<5])) == [])
        #expect(decoder.events(Array(header[5...])) == [.binary([UInt8](repeating: 1, count: 300))])
        #expect(decoder.retainedCapacity == 0)
    }

    @Test("after any split of a mixed stream the decoder holds nothing", arguments: [1, 3, 7, 64])
    func nothingRetainedAfterAnySplit(size: Int) {
        let stream = WebSocketFrameDecoderTests.stream.dropLast(rawFrame(8, [0x03, 0xE8] + utf8("bye")).count)
        var decoder = WebSocketFrameDecoder()
        var at = stream.startIndex
        while at < stream.endIndex {
            let end = min(at + size, stream.endIndex)
            _ = decoder.events(Array(stream[at..<end]))
            at = end
        }
        #expect(decoder.bufferedByteCount == 0)
        #expect(decoder.retainedCapacity == 0)
    }
}
