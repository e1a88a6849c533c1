import Testing
@testable import Tina4

/// permessage-deflate in the connection machine: the agreed inbound settings reach the decoder
/// the machine builds, and a decoder that keeps an inflater's context is kept between messages
/// (a fresh one would lose the window the next message refers back to).
@Suite struct PerMessageDeflateMachineTests {
    static func harness(_ inbound: PerMessageDeflate.Direction?) -> MachineHarness {
        let harness = MachineHarness()
        harness.machine = WebSocketConnectionMachine(role: .server, maxMessageBytes: 1 << 20,
                                                     closeTimeoutMilliseconds: 5_000, perMessageDeflate: inbound)
        harness.start()
        return harness
    }

    @Test func contextTakeoverSurvivesBetweenReads() throws {
        let harness = Self.harness(.init(maxWindowBits: 15, noContextTakeover: false))
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: false))
        let message = chatLikeText(2000, seed: 9)
        for index in 0..<3 {
            let compressed = try compressMessage(&deflater, message)
            if index > 0 { #expect(compressed.count < 100) }          // refers back to the previous message
            harness.feed(rawFrame(1, compressed, rsv: 4))             // one whole message per read
        }
        let text = "message:" + String(decoding: message, as: UTF8.self)
        #expect(harness.events == ["open", text, text, text])
        #expect(harness.machine.isOpen && harness.notices.isEmpty)
    }

    @Test func noContextTakeoverKeepsNothingBetweenMessages() throws {
        let harness = Self.harness(.init(maxWindowBits: 15, noContextTakeover: true))
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: true))
        let message = chatLikeText(500, seed: 3)
        harness.feed(rawFrame(2, try compressMessage(&deflater, message), rsv: 4))
        #expect(harness.events == ["open", "binary:500"])
        #expect(harness.machine.retainedCapacity == 0)
    }

    @Test func withoutTheExtensionRSV1Is1002() {
        let harness = Self.harness(nil)
        harness.feed(rawFrame(1, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], rsv: 4))
        let close = harness.written.last ?? []
        #expect(close.first == 0x88 && close.dropFirst(2).prefix(2) == [0x03, 0xEA])   // a close frame, 1002
        #expect(!harness.machine.isOpen)
    }
}
