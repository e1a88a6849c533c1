import Testing
@testable import Tina4

/// The hub without sockets: connections whose transport is a recorder.
@MainActor @Suite final class WebSocketHubTests {
    /// Stands in for a channel: keeps what it was sent.
    final class RecordingTransport: WebSocketTransport {
        var sent: [OutgoingBytes] = []
        var closed = false
        func send(_ bytes: OutgoingBytes) { sent.append(bytes) }
        func closeWhenFlushed() { closed = true }
        func closeNow() { closed = true }
        /// The bytes of every frame received, in order.
        var frames: [[UInt8]] { sent.map { [UInt8](UnsafeRawBufferPointer(start: $0.base, count: $0.count)) } }
    }

    let hub = WebSocketHub()

    /// A connection opened the way the server opens one: its machine's `start` joins the hub.
    func join(_ path: String, _ name: String) -> WebSocketConnection {
        let connection = testConnection(id: name, path: path, hub: hub, transport: RecordingTransport())
        connection.start(leftover: [])
        return connection
    }

    func peer(_ connection: WebSocketConnection) -> RecordingTransport { connection.transport as! RecordingTransport }

    func members(_ path: String) -> [String] { hub.connections(path: path).map(\.id) }

    @Test func aBroadcastIsEncodedOnceAndTheSameBytesQueuedOnEveryReceiver() {
        let group = (0..<5).map { join("/ws/chat/a", "c\($0)") }
        #expect(hub.broadcast(text: "hi all", toPath: "/ws/chat/a") == 5)
        let first = peer(group[0]).sent.first
        for connection in group {
            #expect(peer(connection).sent.count == 1)
            #expect(peer(connection).sent.first === first)          // one OutgoingBytes, shared
        }
        #expect(peer(group[0]).frames == [WebSocketFrameEncoder.text("hi all")])
        #expect(hub.broadcast(binary: [1, 2, 3], toPath: "/ws/chat/a") == 5)
        #expect(peer(group[4]).frames.last == WebSocketFrameEncoder.binary([1, 2, 3]))
        #expect(peer(group[1]).sent.last === peer(group[3]).sent.last)
    }

    @Test func theExcludedConnectionAndPeersThatAreClosingAreSkippedAndNotCounted() {
        let a = join("/p", "a"), b = join("/p", "b"), c = join("/p", "c")
        #expect(a.broadcast("x", excludeSelf: true) == 2)
        #expect(peer(a).sent.isEmpty && peer(b).sent.count == 1 && peer(c).sent.count == 1)
        c.close(code: 1001)                              // closing: out of the hub at once
        #expect(!c.isOpen && peer(c).frames.last == WebSocketFrameEncoder.close(code: .goingAway))
        #expect(b.broadcast("y") == 2)
        #expect(peer(c).sent.count == 2)                 // the first broadcast and its close frame
        #expect(b.connectionCount == 2)
    }

    @Test func pathsAreIsolated() {
        let a = join("/ws/chat/a", "a")
        let b = join("/ws/chat/b", "b")
        _ = join("/ws/chat/b", "b2")
        #expect(hub.broadcast(text: "to a", toPath: "/ws/chat/a") == 1)
        #expect(peer(b).sent.isEmpty)
        #expect(b.broadcast("to b") == 2)
        #expect(peer(a).sent.count == 1)
        #expect(hub.broadcast(text: "nobody", toPath: "/ws/chat") == 0)
        #expect(hub.count(path: "/ws/chat/a") == 1 && hub.count(path: "/ws/chat/b") == 2 && hub.totalCount == 3)
        #expect(a.connectionCount == 1 && b.connectionCount == 2)
    }

    @Test func removingFromTheMiddleSwapsTheLastMemberIntoItsPlace() {
        let group = ["a", "b", "c", "d"].map { join("/p", $0) }
        hub.remove(group[1])
        #expect(members("/p") == ["a", "d", "c"])
        #expect(group[3].hubIndex == 1 && group[1].hubIndex == -1)
        #expect(hub.count(path: "/p") == 3 && hub.totalCount == 3)
        // The moved member can still be removed in O(1) from its new place.
        hub.remove(group[3])
        #expect(members("/p") == ["a", "c"])
        #expect(hub.broadcast(text: "x", toPath: "/p") == 2)
        #expect(peer(group[1]).sent.isEmpty && peer(group[3]).sent.isEmpty)
    }

    @Test func removingTheLastMemberAndTheOnlyMember() {
        let group = ["a", "b", "c"].map { join("/p", $0) }
        let other = join("/q", "q")
        hub.remove(group[2])
        #expect(members("/p") == ["a", "b"])
        #expect(group[0].hubIndex == 0 && group[1].hubIndex == 1)
        hub.remove(other)
        #expect(hub.count(path: "/q") == 0 && hub.connections(path: "/q").isEmpty)
        #expect(hub.totalCount == 2)
    }

    @Test func removeIsIdempotentAndIgnoresConnectionsItDoesNotHold() {
        let a = join("/p", "a"), b = join("/p", "b")
        let elsewhere = join("/q", "q")                 // index 0 on another path
        hub.remove(a)
        hub.remove(a)
        #expect(members("/p") == ["b"] && hub.totalCount == 2)
        let stranger = testConnection(id: "s", path: "/p", hub: hub, transport: RecordingTransport())
        stranger.hubIndex = 0                            // claims b's slot, but is not b
        hub.remove(stranger)
        #expect(members("/p") == ["b"] && hub.totalCount == 2)
        hub.remove(elsewhere)
        hub.remove(elsewhere)
        #expect(members("/p") == ["b"] && members("/q") == [] && hub.totalCount == 1)
        hub.remove(b)
        #expect(hub.totalCount == 0 && hub.count(path: "/p") == 0)
    }

    @Test func aConnectionCanRejoinAfterLeaving() {
        let a = join("/p", "a"), b = join("/p", "b")
        hub.remove(a)
        hub.add(a)
        #expect(members("/p") == ["b", "a"] && a.hubIndex == 1 && b.hubIndex == 0)
        #expect(hub.broadcast(text: "x", toPath: "/p") == 2)
    }
}
