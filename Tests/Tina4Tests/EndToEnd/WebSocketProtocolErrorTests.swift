import Testing
@testable import Tina4

/// Every RFC 6455 rule the server enforces, sent as raw bytes after a real handshake: the
/// server closes with the rule's code, and a bystander on the same route carries on.
@Suite(.serialized) struct WebSocketProtocolErrorTests {
    /// One violation: the writes that make it (each its own `write`), and the close code expected.
    struct Violation: Sendable, CustomTestStringConvertible {
        var name: String
        var writes: [[UInt8]]
        var code: UInt16
        init(_ name: String, _ writes: [UInt8]..., code: UInt16) {
            self.name = name
            self.writes = writes
            self.code = code
        }
        var testDescription: String { "\(name) → \(code)" }
    }

    static func closeFrame(code: UInt16, _ reason: [UInt8] = []) -> [UInt8] {
        rawFrame(8, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    static let violations: [Violation] = [
        // framing
        Violation("unmasked text frame", [0x81, 0x02, 0x68, 0x69], code: 1002),
        Violation("unmasked ping", [0x89, 0x00], code: 1002),
        Violation("RSV1 on a text frame", [0xC1, 0x80, 0, 0, 0, 0], code: 1002),
        Violation("RSV2 on a text frame", rawFrame(1, utf8("x"), rsv: 2), code: 1002),
        Violation("RSV3 on a binary frame", rawFrame(2, [1], rsv: 1), code: 1002),
        Violation("RSV1 on a ping", rawFrame(9, utf8("p"), rsv: 4), code: 1002),
        Violation("RSV1 on a close", rawFrame(8, [0x03, 0xE8], rsv: 4), code: 1002),
        Violation("unknown data opcode 3", [0x83, 0x80, 0, 0, 0, 0], code: 1002),
        Violation("unknown control opcode 11", rawFrame(11), code: 1002),
        Violation("64-bit length with its top bit set", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], code: 1002),
        // control frames
        Violation("fragmented ping", [0x09, 0x80, 0, 0, 0, 0], code: 1002),
        Violation("ping payload of 126 bytes", rawFrame(9, [UInt8](repeating: 7, count: 126)), code: 1002),
        Violation("close payload of 126 bytes", closeFrame(code: 1000, [UInt8](repeating: 0x61, count: 124)), code: 1002),
        Violation("ping declaring 126 bytes, header only", [0x89, 0xFE, 0x00, 0x7E, 1, 2, 3, 4], code: 1002),
        // fragmentation
        Violation("continuation with no message", [0x80, 0x80, 0, 0, 0, 0], code: 1002),
        Violation("new text frame inside a fragmented message",
                  rawFrame(1, utf8("a"), fin: false), rawFrame(1, utf8("b")), code: 1002),
        // UTF-8
        Violation("invalid UTF-8 in one frame", [0x81, 0x82, 0, 0, 0, 0, 0xC3, 0x28], code: 1007),
        Violation("a sequence split across fragments, broken in the second",
                  rawFrame(1, [0xE2, 0x82], fin: false), rawFrame(0, utf8("A")), code: 1007),
        Violation("a valid first fragment, an impossible byte in the second",
                  rawFrame(1, utf8("valid ✓"), fin: false), rawFrame(0, [0x61, 0xFF]), code: 1007),
        Violation("a message that ends inside a sequence",
                  rawFrame(1, utf8("a"), fin: false), rawFrame(0, [0xF0, 0x9F, 0x8E]), code: 1007),
        Violation("close reason not UTF-8", closeFrame(code: 1000, [0x61, 0xFF]), code: 1007),
        // close payloads
        Violation("close payload of 1 byte", [0x88, 0x81, 0, 0, 0, 0, 0x03], code: 1002),
        Violation("close code 0", closeFrame(code: 0), code: 1002),
        Violation("close code 999", closeFrame(code: 999), code: 1002),
        Violation("close code 1004", closeFrame(code: 1004), code: 1002),
        Violation("close code 1005", [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xED], code: 1002),
        Violation("close code 1006", closeFrame(code: 1006), code: 1002),
        Violation("close code 1015", closeFrame(code: 1015), code: 1002),
        Violation("close code 1016", closeFrame(code: 1016), code: 1002),
        Violation("close code 2999", closeFrame(code: 2999), code: 1002),
        Violation("close code 5000", closeFrame(code: 5000), code: 1002),
        // size
        Violation("2 MiB declared, header only (limit 1 MiB)", [0x82, 0xFF, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0], code: 1009),
    ]

    @Test(arguments: violations)
    func violationClosesWithItsCode(_ violation: Violation) async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: .init()) }
        defer { server.stopNow() }
        let base = await server.base
        let (code, bystanderReply) = try await offMain {
            let bystander = try WebSocketClient(url: base + "/ws/echo")
            let client = try WebSocketClient(url: base + "/ws/echo")
            for write in violation.writes { try client.sendRaw(write) }
            let code = try client.expectClose()
            try bystander.send(text: "ok?")
            return (code, try bystander.receiveText())
        }
        #expect(code == violation.code)
        #expect(bystanderReply == "Echo: ok?")
    }

    @Test("close codes a client may send are echoed", arguments: [
        UInt16(1000), 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999,
    ])
    func allowedCloseCodeIsEchoed(code: UInt16) async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: .init()) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/echo"
        let echoed = try await offMain { try WebSocketClient(url: url).close(code: code, reason: "bye") }
        #expect(echoed == code)
    }

    @Test func messageOverTheLimitIsRefusedFromItsHeaderBeforeThePayload() async throws {
        let server = try await MainActor.run {
            try WebSocketServerTests.start(journal: .init()) { $0.maxMessageBytes = 1000 }
        }
        defer { server.stopNow() }
        let base = await server.base
        let (exact, single, fragmented) = try await offMain { () -> (WebSocketFrameEvent?, UInt16?, UInt16?) in
            let fits = try WebSocketClient(url: base + "/ws/mirror")
            try fits.send(binary: [UInt8](repeating: 1, count: 1000))
            let exact = try fits.receive()
            // 1001 bytes declared; not one payload byte is ever sent, so only the header can decide.
            let single = try WebSocketClient(url: base + "/ws/mirror")
            try single.sendRaw([0x82, 0xFE, 0x03, 0xE9, 1, 2, 3, 4])
            // 600 bytes, then a continuation declaring 401 more (payload never sent).
            let split = try WebSocketClient(url: base + "/ws/mirror")
            try split.sendRaw(rawFrame(2, [UInt8](repeating: 2, count: 600), fin: false))
            try split.sendRaw([0x80, 0xFE, 0x01, 0x91, 1, 2, 3, 4])
            return (exact, try single.expectClose(), try split.expectClose())
        }
        #expect(exact == .binary([UInt8](repeating: 1, count: 1000)))
        #expect(single == 1009)
        #expect(fragmented == 1009)
    }

    @Test func aPingBetweenFragmentsIsAnsweredAtOnceAndTheMessageStillReassembles() async throws {
        let server = try await MainActor.run { try WebSocketServerTests.start(journal: .init()) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/mirror"
        let (pong, message) = try await offMain { () -> (WebSocketFrameEvent?, WebSocketFrameEvent?) in
            let client = try WebSocketClient(url: url)
            try client.sendRaw(rawFrame(1, utf8("Hel"), fin: false) + rawFrame(9, utf8("mid-ping")))
            let pong = try client.receive()            // before the message can be complete
            try client.sendRaw(rawFrame(0, utf8("lo, "), fin: false))
            try client.sendRaw(rawFrame(0, utf8("wörld")))
            return (pong, try client.receive())
        }
        #expect(pong == .pong(utf8("mid-ping")))
        #expect(message == .text("Hello, wörld"))
    }
}
