import Testing
@testable import Tina4

/// What a connection keeps while idle: packed handshake headers and params that answer exactly
/// as the parsed ones do, and no input buffer between messages.
@MainActor @Suite struct WebSocketConnectionStateTests {
    let hub = WebSocketHub()
    let handshake: [(String, String)] = [
        ("Host", "127.0.0.1:7149"), ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
        ("origin", "http://localhost:7149"), ("Cookie", "a=1"), ("cookie", "b=2"),
        ("X-Long", String(repeating: "é", count: 200)), ("X-Empty", ""), ("UPGRADE", "WebSocket"),
    ]

    @Test func packedHeadersAnswerEveryLookupAsTheParsedOnesDo() {
        let parsed = HTTPHeaders(handshake)
        let packed = parsed.compacted()
        #expect(packed == parsed && packed.count == parsed.count)
        #expect(packed.map { "\($0.name): \($0.value)" } == handshake.map { "\($0.0): \($0.1)" })   // order and case kept
        for name in ["host", "HOST", "Upgrade", "Origin", "cookie", "x-long", "X-Empty", "missing"] {
            #expect(packed[name] == parsed[name])
            #expect(packed.values(name) == parsed.values(name))
            #expect(packed.contains(name) == parsed.contains(name))
        }
        #expect(packed.values("Cookie") == ["a=1", "b=2"])
        #expect(packed.containsToken("upgrade", in: "connection") && !packed.containsToken("close", in: "Connection"))
        #expect(packed["x-long"]?.count == 200)
    }

    @Test func editingPackedHeadersUnpacksThemFirst() {
        var headers = HTTPHeaders(handshake).compacted()
        headers.add("X-New", "1")
        headers.set("cookie", "c=3")
        headers.remove("Host")
        #expect(headers["x-new"] == "1" && headers.values("Cookie") == ["c=3"] && headers["host"] == nil)
        #expect(headers.count == handshake.count - 1 - 1 + 1)
        #expect(HTTPHeaders().compacted().count == 0)
    }

    @Test func paramsAndHeadersOfAConnection() {
        let connection = testConnection(path: "/ws/chat/a", params: ["room": "a", "token": "t"], headers: HTTPHeaders(handshake),
                                        hub: hub, transport: WebSocketHubTests.RecordingTransport())
        #expect(connection.params == ["room": "a", "token": "t"])
        #expect(connection.headers["origin"] == "http://localhost:7149")
        #expect(connection.headers == HTTPHeaders(handshake))
    }

    @Test func aConnectionBetweenMessagesHoldsNoInputBuffer() {
        let h = MachineHarness()
        h.start()
        let frame = clientFrame(0x1, utf8(String(repeating: "x", count: 300)))
        h.feed(Array(frame[..<100]))
        #expect(h.machine.retainedCapacity > 0)                  // a partial frame is held
        h.feed(Array(frame[100...]))
        #expect(h.events.last?.hasPrefix("message:xxx") == true)
        #expect(h.machine.retainedCapacity == 0)
        h.feed(Array(clientFrame(0x1, [])[..<1]))                // one header byte
        h.feed([0x80] + [0x11, 0x22, 0x33, 0x44])               // the rest of an empty text frame
        #expect(h.events.last == "message:" && h.machine.retainedCapacity == 0)
    }

    @Test func aFragmentedMessageSurvivesReadsBetweenItsFragments() {
        let h = MachineHarness()
        h.start()
        h.feed(rawFrame(0x1, [], fin: false))                    // an empty first fragment, alone
        h.feed(rawFrame(0x9, [1]))                               // a ping in between
        h.feed(rawFrame(0x0, utf8("hi"), fin: true))
        #expect(h.events == ["open", "message:hi"] && h.written == [[0x8A, 0x01, 1]])
    }
}

extension WebSocketConnectionStateTests {
    @Test func aCopiedMachineDoesNotShareItsPartialFrame() {
        var machine = WebSocketConnectionMachine(role: .server, maxMessageBytes: 1 << 20, closeTimeoutMilliseconds: 5_000)
        _ = machine.start()
        _ = machine.handlerReturned(threw: false)
        let frame = clientFrame(0x1, utf8("hello"))
        _ = Array(frame[..<4]).withUnsafeBytes { machine.received($0) }
        var copy = machine
        let first = Array(frame[4...]).withUnsafeBytes { machine.received($0) }
        let second = Array(frame[4...]).withUnsafeBytes { copy.received($0) }
        for actions in [first, second] {
            guard case .deliver(.message, let data)? = actions.last else { Issue.record("no message: \(actions)"); continue }
            #expect(data.text == "hello")
        }
    }
}
