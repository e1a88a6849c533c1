import Testing
@testable import Tina4

/// permessage-deflate over real sockets: the handshake header, echoes through both codecs
/// (what Autobahn sections 12 and 13 exercise: sizes 16 B–128 KiB, fragmentation, each window
/// and context-takeover combination), broadcasts, and misuse.
@Suite(.serialized) struct PerMessageDeflateServerTests {
    @MainActor static func start(_ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(configure: { configuration in
            configuration.maxMessageBytes = 1 << 20
            configure(&configuration)
        }) { routes, hub in
            routes.websocket("/echo") { connection, event, data in
                guard event == .message else { return }
                if data.isBinary { connection.send(data.bytes) } else { connection.send(data.text) }
            }
            routes.websocket("/room") { connection, event, data in
                if event == .message { connection.broadcast(data.text) }
            }
        }
    }

    static let chromium = "permessage-deflate; client_max_window_bits"

    // MARK: handshake

    @Test("the response names what was agreed", arguments: [
        (chromium, "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
        ("permessage-deflate", "permessage-deflate; server_no_context_takeover"),
        ("permessage-deflate; server_max_window_bits=16, permessage-deflate; server_max_window_bits=10",
         "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"),
    ])
    func handshake(offer: String, response: String) async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let answered = try await offMain { try DeflateWebSocket(port: port, path: "/echo", offer: offer).responseExtensions }
        #expect(answered == response)
        await server.stop()
    }

    @Test func noOfferAndInvalidOffersGetNoExtension() async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let answers = try await offMain {
            [try DeflateWebSocket(port: port, path: "/echo", offer: nil).responseExtensions,
             try DeflateWebSocket(port: port, path: "/echo", offer: "permessage-deflate; foo").responseExtensions,
             try DeflateWebSocket(port: port, path: "/echo", offer: "x-webkit-deflate-frame").responseExtensions]
        }
        #expect(answers == [nil, nil, nil])
        await server.stop()
    }

    @Test func compressionOffMeansNoExtensionAndRSV1Is1002() async throws {
        let server = try await MainActor.run { try Self.start { $0.compression.isEnabled = false } }
        let port = await server.port
        let (answer, code) = try await offMain { () -> (String?, UInt16?) in
            let client = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            try client.sendRaw(rawFrame(1, [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00], rsv: 4))
            return (client.responseExtensions, try client.expectClose())
        }
        #expect(answer == nil)
        #expect(code == 1002)
        await server.stop()
    }

    // MARK: echoes (Autobahn 12 and 13)

    enum Payload: String, CaseIterable, Sendable { case chatText, randomBinary, repeatedBinary }

    static func payload(_ kind: Payload, _ size: Int, _ seed: UInt64) -> [UInt8] {
        switch kind {
        case .chatText: return chatLikeText(size, seed: seed)
        case .randomBinary:
            var rng = SplitMix64(seed: seed)
            return randomBytes(size, using: &rng)
        case .repeatedBinary: return (0..<size).map { UInt8(truncatingIfNeeded: $0 % 7) }
        }
    }

    static let offers = [
        "permessage-deflate",                                               // 13.1
        "permessage-deflate; server_no_context_takeover",                   // 13.2
        "permessage-deflate; server_max_window_bits=8",                     // 13.3
        "permessage-deflate; server_max_window_bits=15",                    // 13.4
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=8",   // 13.5
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=15",  // 13.6
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=8, permessage-deflate; server_no_context_takeover, permessage-deflate", // 13.7
        chromium,
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=9",
    ]

    @Test("echo sizes 16 B to 128 KiB, whole and fragmented, context across messages",
          arguments: offers, Payload.allCases)
    func echo(offer: String, kind: Payload) async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let sizes = [16, 64, 256, 1024, 4096, 16384, 65536, 131072]
        let failures = try await offMain { () -> [String] in
            let client = try DeflateWebSocket(port: port, path: "/echo", offer: offer)
            guard client.responseExtensions != nil else { return ["not negotiated"] }
            var failures: [String] = []
            for (index, size) in sizes.enumerated() {
                for (round, fragments) in [1, 1, 4, 37].enumerated() {   // the same message again: back-references
                    let message = Self.payload(kind, size, UInt64(index))
                    let binary = kind != .chatText
                    try client.send(message, binary: binary, compress: round != 1 || size < 1000, fragments: fragments)
                    let expected: WebSocketFrameEvent = binary ? .binary(message) : .text(String(decoding: message, as: UTF8.self))
                    let got = try client.receive()
                    if got != expected { failures.append("\(size) B, \(fragments) fragments: \(String(describing: got).prefix(80))") }
                }
            }
            return failures
        }
        #expect(failures.isEmpty)
        await server.stop()
    }

    @Test func serverCompressesAboveTheThresholdOnly() async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let (bits, received) = try await offMain { () -> ([UInt8], [WebSocketFrameEvent]) in
            let client = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            try client.send(text: "hi")
            try client.send(text: String(repeating: "hello world ", count: 50))
            let events = try client.receive(count: 2)
            return (client.frameFirstBytes, events)
        }
        #expect(bits == [0x81, 0xC1])       // short: RSV1 clear; long: RSV1 set
        #expect(received == [.text("hi"), .text(String(repeating: "hello world ", count: 50))])
        await server.stop()
    }

    // MARK: broadcast

    @Test func aBroadcastReachesCompressedAndPlainClientsWithOneSharedCompressedFrame() async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let text = String(repeating: #"{"user":"ann","message":"hello room"}"#, count: 10)
        let before = await CompressedFrameEncoder.compressionCount
        let (events, wire) = try await offMain { () -> ([WebSocketFrameEvent], [Int]) in
            let compressed = try (0..<3).map { _ in try DeflateWebSocket(port: port, path: "/room", offer: Self.chromium) }
            let plain = try DeflateWebSocket(port: port, path: "/room", offer: nil)
            try compressed[0].send(text: text)
            var events: [WebSocketFrameEvent] = []
            for client in compressed + [plain] { events.append(try client.receive()) }
            return (events, (compressed + [plain]).map(\.bytesReceived))
        }
        #expect(events == Array(repeating: .text(text), count: 4))
        #expect(await CompressedFrameEncoder.compressionCount - before == 1)   // once for the three
        #expect(wire[0] == wire[1] && wire[1] == wire[2])
        #expect(wire[0] * 3 < wire[3])                                          // compressed vs plain on the wire
        await server.stop()
    }

    // MARK: misuse

    struct Misuse: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var code: UInt16
        var testDescription: String { "\(name) → \(code)" }
    }

    static let misuses = [
        Misuse(name: "RSV1 on a ping", bytes: rawFrame(9, [1], rsv: 4), code: 1002),
        Misuse(name: "RSV1 on a close", bytes: rawFrame(8, [3, 232], rsv: 4), code: 1002),
        Misuse(name: "RSV1 on a continuation",
               bytes: rawFrame(1, [0xF2, 0x48, 0xCD], fin: false, rsv: 4) + rawFrame(0, [0xC9, 0xC9, 0x07, 0x00], rsv: 4), code: 1002),
        Misuse(name: "RSV2 on a compressed frame", bytes: rawFrame(1, [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00], rsv: 6), code: 1002),
        Misuse(name: "corrupt compressed data", bytes: rawFrame(1, [0xFF, 0xFF, 0xFF], rsv: 4), code: 1007),
        Misuse(name: "inflated text not UTF-8", bytes: rawFrame(1, [0xF2, 0xF8, 0xEF, 0xE1, 0x01, 0x00], rsv: 4), code: 1007),
    ]

    @Test(arguments: misuses)
    func misuseClosesWithItsCodeAndABystanderCarriesOn(_ misuse: Misuse) async throws {
        let server = try await MainActor.run { try Self.start() }
        let port = await server.port
        let (code, reply) = try await offMain { () -> (UInt16?, WebSocketFrameEvent) in
            let bystander = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            let client = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            try client.sendRaw(misuse.bytes)
            let code = try client.expectClose()
            try bystander.send(text: String(repeating: "still here ", count: 20))
            return (code, try bystander.receive())
        }
        #expect(code == misuse.code)
        #expect(reply == .text(String(repeating: "still here ", count: 20)))
        await server.stop()
    }

    @Test func zipBombIs1009WithoutInflatingIt() async throws {
        let server = try await MainActor.run { try Self.start { $0.maxMessageBytes = 64 * 1024 } }
        let port = await server.port
        var deflater = PerMessageDeflater(.init(maxWindowBits: 15, noContextTakeover: false), level: 9)
        let bomb = try compressMessage(&deflater, [UInt8](repeating: 0x61, count: 64 << 20))   // 64 MiB of "a"
        let (code, reply) = try await offMain { () -> (UInt16?, WebSocketFrameEvent) in
            let bystander = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            let client = try DeflateWebSocket(port: port, path: "/echo", offer: Self.chromium)
            try client.sendRaw(compressedFrames(bomb, opcode: 1, fragments: 8))
            let code = try client.expectClose()
            try bystander.send(text: "ok")
            return (code, try bystander.receive())
        }
        #expect(bomb.count < 100_000)
        #expect(code == 1009)
        #expect(reply == .text("ok"))
        await server.stop()
    }
}
