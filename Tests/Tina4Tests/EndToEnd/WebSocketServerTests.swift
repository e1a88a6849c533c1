import Dispatch
import Testing
@testable import Tina4

/// The chapter's WebSocket API over real sockets: events, scoping, counts, push, errors.
@Suite(.serialized) struct WebSocketServerTests {
    struct Failure: Error {}
    struct Boom: Error, CustomStringConvertible {
        var room: String
        var description: String { "boom in room \(room)" }
    }

    @MainActor static func start(journal: Journal, log: Log = Log(minimum: .error),
                                 configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(configure: configure, log: log) { routes, hub in
            routes.websocket("/ws/echo") { connection, event, data in
                if event == .message { connection.send("Echo: \(data)") }
            }
            routes.websocket("/ws/echo-journal") { connection, event, data in
                if event == .message { connection.send("Echo: \(data)") }
                journal.add("\(event.rawValue) \(connection.id) \(data)")
            }
            routes.websocket("/ws/leave") { connection, event, _ in
                guard event == .close else { return }
                let count = connection.connectionCount
                let delivered = connection.broadcast("left count=\(count)")
                let listed = hub.connections(path: connection.path).contains { $0 === connection }
                journal.add("leave \(connection.id) count=\(count) delivered=\(delivered) listed=\(listed)")
            }
            routes.websocket("/ws/fail/{room}") { connection, event, data in
                switch event {
                case .open: connection.send(connection.id)
                case .message:
                    if data.text == "throw" { throw Boom(room: connection.params["room"] ?? "") }
                    connection.send("Echo: \(data)")
                case .close: break
                }
            }
            routes.websocket("/ws/mirror") { connection, event, data in
                guard event == .message else { return }
                if data.isBinary { connection.send(data.bytes) } else { connection.send(data.text) }
            }
            routes.websocket("/ws/chat/{room}") { connection, event, data in
                switch event {
                case .open:
                    connection.send("count:\(connection.connectionCount)")
                case .message:
                    if data.text.hasPrefix("others:") {
                        connection.broadcast(data.text, excludeSelf: true)
                    } else if data.text == "count" {
                        connection.send("count:\(connection.connectionCount)")
                    } else {
                        connection.broadcast(data.text)
                    }
                case .close:
                    journal.add("close \(connection.params["room"] ?? "") count=\(connection.connectionCount)")
                    connection.broadcast("left")
                }
            }
            routes.websocket("/ws/encodable") { connection, event, _ in
                struct Welcome: Encodable { let type = "welcome"; let id: String; let tags = ["a", "b"] }
                if event == .open { try connection.sendJson(encoding: Welcome(id: connection.id)) }
            }
            routes.websocket("/ws/headers") { connection, event, _ in
                if event == .open {
                    connection.sendJson(["origin": connection.headers["origin"] ?? "-", "cookies": connection.headers.values("Cookie").joined(separator: "|"),
                                         "upgrade": connection.headers["UPGRADE"] ?? "-", "count": connection.headers.count])
                }
            }
            routes.websocket("/ws/params/{id}") { connection, event, _ in
                if event == .open {
                    connection.sendJson(JSON(connection.params.mapValues { JSON.string($0) }))
                }
            }
            routes.websocket("/ws/lifecycle") { connection, event, data in
                journal.add("\(event.rawValue) \(data.text)")
                if event == .message && data.text == "close-me" { connection.close(code: 4001, reason: "bye") }
                if event == .message && data.text == "close-1005" { connection.close(code: 1005) }
                if event == .message && data.text == "throw" { throw Failure() }
                if event == .open && connection.params["reject"] != nil {
                    connection.sendJson(["error": "Unauthorized"])
                    connection.close(code: 1008)
                }
            }
            routes.post("/push/{room}") { request, response in
                let count = hub.broadcast(text: request.bodyText ?? "", toPath: "/ws/chat/\(request.params["room"] ?? "")")
                return response.json(["delivered": count], status: 201)
            }
        }
    }

    @Test func echoRepliesWithPrefix() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/echo"
        let reply = try await offMain {
            let client = try WebSocketClient(url: url)
            try client.send(text: "hello")
            let reply = try client.receiveText()
            try client.close()
            return reply
        }
        #expect(reply == "Echo: hello")
    }

    @Test func roomsAreIsolatedAndBroadcastReachesSenderUnlessExcluded() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let base = await server.base
        let result = try await offMain { () -> [String] in
            let a = try WebSocketClient(url: base + "/ws/chat/general")
            #expect(try a.receiveText() == "count:1")
            let b = try WebSocketClient(url: base + "/ws/chat/general")
            #expect(try b.receiveText() == "count:2")
            let c = try WebSocketClient(url: base + "/ws/chat/general")
            #expect(try c.receiveText() == "count:3")
            let dev = try WebSocketClient(url: base + "/ws/chat/dev")
            #expect(try dev.receiveText() == "count:1")

            try a.send(text: "hi all")
            for client in [a, b, c] { #expect(try client.receiveText() == "hi all") }
            try b.send(text: "others:psst")
            #expect(try a.receiveText() == "others:psst")
            #expect(try c.receiveText() == "others:psst")
            // Nothing reached b (its own excluded message) nor the dev room: their next message is the count reply.
            try b.send(text: "count")
            #expect(try b.receiveText() == "count:3")
            try dev.send(text: "count")
            #expect(try dev.receiveText() == "count:1")

            try c.close()
            #expect(try a.receiveText() == "left")
            #expect(try b.receiveText() == "left")
            try a.send(text: "count")
            return [try a.receiveText()]
        }
        #expect(result == ["count:2"])
        await journal.wait(for: "close general")
        #expect(await journal.lines.contains("close general count=2"))
    }

    @Test func pushFromAnHTTPRouteReachesOnlyItsPath() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let base = await server.base
        let port = await server.port
        let (status, body, received, otherRoomNext) = try await offMain { () -> (Int, String, [String], String) in
            let clients = try (0..<3).map { _ in try WebSocketClient(url: base + "/ws/chat/a") }
            for (index, client) in clients.enumerated() { #expect(try client.receiveText() == "count:\(index + 1)") }
            let other = try WebSocketClient(url: base + "/ws/chat/b")
            _ = try other.receiveText()
            let http = try RawConnection(port: port)
            try http.send("POST /push/a HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nping-a")
            let response = http.readResponses(1).first
            let received = try clients.map { try $0.receiveText() }
            try other.send(text: "count")
            return (response?.status ?? 0, response?.body ?? "", received, try other.receiveText())
        }
        #expect(status == 201)
        #expect(body == #"{"delivered":3}"#)
        #expect(received == ["ping-a", "ping-a", "ping-a"])
        #expect(otherRoomNext == "count:1")
    }

    @Test func sendJsonEncodesEncodableValuesWithSortedKeys() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/encodable"
        let text = try await offMain {
            let client = try WebSocketClient(url: url)
            defer { client.disconnect() }
            return try client.receiveText()
        }
        let json = try JSON.parse(text)
        #expect(text.hasPrefix(#"{"id":""#))
        #expect(json["type"] == "welcome" && json["tags"] == ["a", "b"])
    }

    @Test func shorthandRegistersOnTheDefaultRouter() async throws {
        await MainActor.run {
            Tina4.websocket("/ws/shorthand-\(#line)") { _, _, _ in }
            #expect(Router.routes.matchWebSocket(segments: ["ws", "shorthand-\(#line - 1)"]) != nil)
        }
    }

    @Test func paramsHoldPathThenQueryWithPathWinning() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/params/42?token=abc%20d&id=evil"
        let reply = try await offMain {
            let client = try WebSocketClient(url: url)
            defer { client.disconnect() }
            return try client.receiveText()
        }
        let json = try JSON.parse(reply)
        #expect(json["id"]?.string == "42")
        #expect(json["token"]?.string == "abc d")
    }

    @Test func theHandshakeHeadersAreKeptForTheConnection() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        let url = await server.base + "/ws/headers"
        let reply = try await offMain {
            let client = try WebSocketClient(url: url, headers: [("Origin", "http://example.test"), ("Cookie", "a=1"), ("cookie", "b=2")])
            defer { client.disconnect() }
            return try client.receiveText()
        }
        let json = try JSON.parse(reply)
        #expect(json["origin"]?.string == "http://example.test")
        #expect(json["cookies"]?.string == "a=1|b=2")
        #expect(json["upgrade"]?.string == "websocket")
        #expect(json["count"]?.int == 8)   // Host, Upgrade, Connection, Key, Version and the three added
        await server.stop()
    }

    @Test func serverCloseFiresCloseOnceAndEchoesHandshake() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/lifecycle"
        let code = try await offMain {
            let client = try WebSocketClient(url: url)
            try client.send(text: "close-me")
            return try client.expectClose()
        }
        #expect(code == 4001)
        await journal.wait(for: "close")
        #expect(await journal.lines.filter { $0.hasPrefix("close") }.count == 1)
        #expect(await journal.lines.first == "open ")
    }

    @Test func aCloseCodeThatMayNotBeSentBecomes1000() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/lifecycle"
        let code = try await offMain {
            let client = try WebSocketClient(url: url)
            try client.send(text: "close-1005")
            return try client.expectClose()
        }
        #expect(code == 1000)
    }

    @Test func closeRequestedDuringOpenFiresAfterOpenReturns() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/lifecycle?reject=1"
        let (text, code) = try await offMain {
            let client = try WebSocketClient(url: url)
            let text = try client.receiveText()
            return (text, try client.expectClose())
        }
        #expect(text == #"{"error":"Unauthorized"}"#)
        #expect(code == 1008)
        await journal.wait(for: "close")
        #expect(await journal.lines == ["open ", "close "])
    }

    @Test func handlerErrorClosesOnlyThatConnectionWith1011() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let base = await server.base
        let (code, echo) = try await offMain {
            let bystander = try WebSocketClient(url: base + "/ws/echo")
            let client = try WebSocketClient(url: base + "/ws/lifecycle")
            try client.send(text: "throw")
            let code = try client.expectClose()
            try bystander.send(text: "still here")
            return (code, try bystander.receiveText())
        }
        #expect(code == 1011)
        #expect(echo == "Echo: still here")
    }

    @Test func peerCloseIsEchoedWithItsCode() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/echo"
        let code = try await offMain {
            let client = try WebSocketClient(url: url)
            return try client.close(code: 4321, reason: "done")
        }
        #expect(code == 4321)
    }

    @Test func mirrorReturnsTextAndBinaryVerbatim() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/mirror"
        let (text, binary, big) = try await offMain {
            let client = try WebSocketClient(url: url)
            try client.send(text: "héllo 😀")
            let text = try client.receive()
            try client.send(binary: [0, 1, 2, 255])
            let binary = try client.receive()
            let payload = [UInt8](repeating: 0x61, count: 200_000)
            try client.send(text: String(decoding: payload, as: UTF8.self))
            let big = try client.receiveText()
            try client.close()
            return (text, binary, big.utf8.count)
        }
        #expect(text == .text("héllo 😀"))
        #expect(binary == .binary([0, 1, 2, 255]))
        #expect(big == 200_000)
    }

    @Test func pingIsAnsweredWithTheSamePayload() async throws {
        let journal = Journal()
        let server = try await MainActor.run { try Self.start(journal: journal) }
        defer { server.stopNow() }
        let url = await server.base + "/ws/echo"
        let event = try await offMain {
            let client = try WebSocketClient(url: url)
            try client.ping([1, 2, 3])
            let event = try client.receive()
            try client.close()
            return event
        }
        #expect(event == .pong([1, 2, 3]))
    }

    @Test func closeTimeoutDropsAClientThatNeverAnswers() async throws {
        let journal = Journal()
        let server = try await MainActor.run {
            try Self.start(journal: journal) { $0.closeTimeoutMilliseconds = 200; $0.lingerMilliseconds = 200 }
        }
        defer { server.stopNow() }
        let port = await server.port
        // A raw client that completes the handshake, asks to be closed, and then ignores the close frame.
        let ended = try await offMain { () -> Bool in
            let raw = try RawConnection(port: port)
            try raw.send("GET /ws/lifecycle HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            try raw.send(WebSocketFrameEncoder.encode(opcode: .text, payload: Array("close-me".utf8), maskingKey: (1, 2, 3, 4)))
            let started = DispatchTime.now().uptimeNanoseconds
            _ = raw.read(timeout: 5) { _ in false }   // returns at EOF
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            return elapsed < 3
        }
        #expect(ended)
    }

    @Test func aClientThatStopsReadingIsCutOffWithoutStallingOthers() async throws {
        let journal = Journal()
        let server = try await MainActor.run {
            try Self.start(journal: journal) { $0.maxOutputBytes = 256 * 1024 }
        }
        defer { server.stopNow() }
        let base = await server.base
        let (count, echoed, sawLeft) = try await offMain { () -> (Int, Int, Bool) in
            let stalled = try WebSocketClient(url: base + "/ws/chat/flood")
            _ = try stalled.receiveText()
            let fast = try WebSocketClient(url: base + "/ws/chat/flood")
            _ = try fast.receiveText()
            let chunk = String(repeating: "x", count: 60_000)
            var echoed = 0, sawLeft = false, count = -1
            func readUntil(_ done: (String) -> Bool) throws {
                while let event = try fast.receive(timeout: 10) {
                    guard case .text(let text) = event else { continue }
                    if text == "left" { sawLeft = true }
                    if done(text) { return }
                }
            }
            // 24 MB broadcast, more than loopback socket buffers hold; the stalled client never reads.
            for _ in 0..<400 {
                try fast.send(text: chunk)
                try readUntil { $0 == chunk }
                echoed += 1
            }
            try fast.send(text: "count")
            try readUntil { $0.hasPrefix("count:") && { count = Int($0.dropFirst(6)) ?? -1; return true }($0) }
            stalled.disconnect()
            return (count, echoed, sawLeft)
        }
        #expect(echoed == 400)
        #expect(sawLeft)
        #expect(count == 1)
        let (dropped, drops) = await MainActor.run {
            (server.hub.metrics.dropped(.slowConsumer), server.hub.metrics.lastDisconnects.filter { $0.reason == "slow consumer" })
        }
        #expect(dropped == 1)   // counted where the server drops it, and remembered with its path and close code
        #expect(drops.map(\.path) == ["/ws/chat/flood"] && drops.map(\.code) == [1008])   // the 1008 close frame tried as it was dropped
    }
}
