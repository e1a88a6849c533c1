import Testing
@testable import Tina4

@MainActor @Suite("permessage-deflate: compressed frames and compress-once broadcasts")
final class PerMessageDeflateEncoderTests {
    /// Stands in for a connection's channel: keeps what it was sent.
    final class Peer: WebSocketTransport {
        var sent: [OutgoingBytes] = []
        let perMessageDeflate: PerMessageDeflate?
        init(_ deflate: PerMessageDeflate?) { perMessageDeflate = deflate }
        func send(_ bytes: OutgoingBytes) { sent.append(bytes) }
        func closeWhenFlushed() {}
        func closeNow() {}
    }

    static func agreed(_ offer: String) -> PerMessageDeflate {
        PerMessageDeflateNegotiation.negotiate(offers: [offer], configuration: .init())!
    }

    /// What a client that negotiated `deflate` reads from `frame`.
    static func received(_ frame: [UInt8], _ deflate: PerMessageDeflate?) -> [WebSocketFrameEvent] {
        var decoder = WebSocketFrameDecoder(options: .init(requireMaskedFrames: false, perMessageDeflate: deflate?.server))
        return decoder.decode(frame).events
    }

    let hub = WebSocketHub()
    var peers: [Peer] = []

    /// A connection opened the way the server opens one after agreeing `deflate`: its machine's
    /// `start` joins the hub.
    func join(_ deflate: PerMessageDeflate?) -> Peer {
        let peer = Peer(deflate)
        let connection = WebSocketConnection(
            id: "c\(peers.count)", path: "/room", params: [:], headers: HTTPHeaders(), hub: hub, transport: peer,
            route: "/room", handler: { _, _, _ in }, log: Log(minimum: .error), maxMessageBytes: 1 << 20,
            closeTimeoutMilliseconds: 5_000, perMessageDeflate: deflate)
        peers.append(peer)
        connection.start(leftover: [])
        return peer
    }

    @Test func messagesAboveTheThresholdAreCompressedWithRSV1() {
        let deflate = Self.agreed("permessage-deflate")
        let text = String(repeating: "{\"type\":\"message\",\"text\":\"hello\"}", count: 10)
        let frame = CompressedFrameEncoder.text(text, outbound: deflate.outbound)
        #expect(frame[0] == 0xC1)                                        // FIN + RSV1 + text
        #expect(frame.count < text.utf8.count / 3)
        #expect(Self.received(frame, deflate) == [.text(text)])
    }

    @Test func shortMessagesGoPlainWithRSV1Clear() {
        let deflate = Self.agreed("permessage-deflate")
        let short = String(repeating: "a", count: deflate.minimumCompressedBytes - 1)
        #expect(CompressedFrameEncoder.text(short, outbound: deflate.outbound) == WebSocketFrameEncoder.text(short))
        #expect(CompressedFrameEncoder.text("hi", outbound: nil) == WebSocketFrameEncoder.text("hi"))
    }

    @Test func incompressibleMessagesGoPlain() {
        var rng = SplitMix64(seed: 5)
        let noise = randomBytes(4000, using: &rng)
        let deflate = Self.agreed("permessage-deflate")
        #expect(CompressedFrameEncoder.binary(noise, outbound: deflate.outbound) == WebSocketFrameEncoder.binary(noise))
    }

    @Test("server_max_window_bits is honoured", arguments: [8, 9, 12, 15])
    func serverWindow(bits: Int) {
        let deflate = Self.agreed("permessage-deflate; server_max_window_bits=\(bits)")
        for size in [100, 256, 257, 3000, 100_000] {
            let text = String(decoding: chatLikeText(size, seed: UInt64(size)), as: UTF8.self)
            let frame = CompressedFrameEncoder.text(text, outbound: deflate.outbound)
            // window 8: only messages of at most 256 bytes can be compressed correctly
            #expect((frame[0] & 0x40 != 0) == (bits > 8 || size <= 256))
            // A client inflating with exactly the agreed window reads it.
            var decoder = WebSocketFrameDecoder(options: .init(maxMessageBytes: 1 << 20, requireMaskedFrames: false,
                                                               perMessageDeflate: .init(maxWindowBits: bits, noContextTakeover: false)))
            #expect(decoder.decode(frame).events == [.text(text)])
        }
    }

    @Test func aBroadcastIsCompressedOncePerSettingAndSharedByItsReceivers() {
        let chromium = Self.agreed("permessage-deflate; client_max_window_bits")
        let firefox = Self.agreed("permessage-deflate")
        let small = Self.agreed("permessage-deflate; server_max_window_bits=10")
        let receivers = (0..<10).map { join($0 % 2 == 0 ? chromium : firefox) }   // same outbound settings
        let others = (0..<3).map { _ in join(small) }
        let plain = (0..<4).map { _ in join(nil) }
        let text = String(repeating: "{\"user\":\"ann\",\"message\":\"hello room\"} ", count: 8)
        let before = CompressedFrameEncoder.compressionCount
        #expect(hub.broadcast(text: text, toPath: "/room") == 17)
        #expect(CompressedFrameEncoder.compressionCount - before == 2)            // not 13
        let shared = receivers[0].sent[0]
        #expect(receivers.allSatisfy { $0.sent.count == 1 && $0.sent[0] === shared })
        #expect(others.allSatisfy { $0.sent[0] === others[0].sent[0] } && others[0].sent[0] !== shared)
        #expect(plain.allSatisfy { $0.sent[0] === plain[0].sent[0] })
        #expect(plain[0].sent[0].bytes == WebSocketFrameEncoder.text(text))
        #expect(Self.received(shared.bytes, chromium) == [.text(text)])
        #expect(Self.received(others[0].sent[0].bytes, small) == [.text(text)])
        #expect(shared.count < text.utf8.count / 3)
    }

    @Test func aBroadcastToPlainReceiversCompressesNothing() {
        _ = (0..<3).map { _ in join(nil) }
        let before = CompressedFrameEncoder.compressionCount
        hub.broadcast(text: String(repeating: "x", count: 500), toPath: "/room")
        #expect(CompressedFrameEncoder.compressionCount == before)
    }

    @Test func sendToOneConnectionUsesItsAgreement() {
        let peer = join(Self.agreed("permessage-deflate"))
        let text = String(repeating: "hello hello ", count: 20)
        hub.connections(path: "/room")[0].send(text)
        #expect(peer.sent[0].bytes[0] == 0xC1)
        #expect(Self.received(peer.sent[0].bytes, peer.perMessageDeflate) == [.text(text)])
    }
}
