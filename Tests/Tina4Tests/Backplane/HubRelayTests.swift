import Testing
@testable import Tina4

/// The hub's backplane hook without sockets: what it hands the relay, what it delivers from it.
@MainActor @Suite final class HubRelayTests {
    typealias RecordingPeer = WebSocketHubTests.RecordingTransport

    final class FakeRelay: WebSocketHubRelay {
        var relayed: [(BackplaneEnvelope.Payload, String, String?)] = []
        var changed: [String] = []
        var remote: [String: Int] = [:]
        func relay(_ payload: BackplaneEnvelope.Payload, toPath path: String, excluding connectionID: String?) {
            relayed.append((payload, path, connectionID))
        }
        func remoteCount(path: String) -> Int { remote[path] ?? 0 }
        func localCountChanged(path: String) { changed.append(path) }
        var metrics: BackplaneMetrics { BackplaneMetrics(connected: true, published: 3, received: 2, queuedWhileDisconnected: 1, dropped: 0) }
    }

    let hub = WebSocketHub()
    let relay = FakeRelay()
    var peers: [RecordingPeer] = []

    init() { hub.relay = relay }

    func join(_ path: String, _ id: String) -> WebSocketConnection {
        let peer = RecordingPeer()
        peers.append(peer)
        let connection = testConnection(id: id, path: path, hub: hub, transport: peer)
        connection.start(leftover: [])   // its machine's start joins the hub, as on a server
        return connection
    }

    func frames(_ connection: WebSocketConnection) -> [[UInt8]] { (connection.transport as! RecordingPeer).frames }

    @Test func broadcastsAreDeliveredLocallyThenHandedToTheRelayWithTheExcludedID() {
        let a = join("/ws/chat/x", "a"), b = join("/ws/chat/x", "b")
        #expect(a.broadcast("hi", excludeSelf: true) == 1)
        #expect(frames(b) == [WebSocketFrameEncoder.text("hi")] && frames(a).isEmpty)
        a.broadcast([1, 2])
        #expect(hub.broadcast(text: "push", toPath: "/ws/chat/x") == 2)   // what pushToWebSocket calls
        #expect(relay.relayed.count == 3)
        #expect(relay.relayed[0].0 == .text("hi") && relay.relayed[0].1 == "/ws/chat/x" && relay.relayed[0].2 == "a")
        #expect(relay.relayed[1].0 == .binary([1, 2]) && relay.relayed[1].2 == nil)
        #expect(relay.relayed[2].0 == .text("push"))
    }

    @Test func relayedEnvelopesReachLocalConnectionsOnlyAndHonourExclude() {
        let a = join("/ws/chat/x", "a"), b = join("/ws/chat/x", "b"), other = join("/ws/other", "o")
        hub.deliverRelayed(BackplaneEnvelope(source: "s", target: .path("/ws/chat/x"), exclude: "b", payload: .binary([9])))
        #expect(frames(a) == [WebSocketFrameEncoder.binary([9])] && frames(b).isEmpty && frames(other).isEmpty)
        #expect(hub.deliverRelayed(BackplaneEnvelope(source: "s", target: .all, payload: .text("all"))) == 3)
        #expect(frames(other) == [WebSocketFrameEncoder.text("all")])
        #expect(relay.relayed.isEmpty, "what came from the backplane is not sent back to it")
    }

    @Test func countsAddTheOtherInstancesAndChangesAreReported() {
        let a = join("/ws/chat/x", "a")
        relay.remote["/ws/chat/x"] = 4
        #expect(a.connectionCount == 5 && hub.localCount(path: "/ws/chat/x") == 1)
        hub.remove(a)
        #expect(relay.changed == ["/ws/chat/x", "/ws/chat/x"])
        #expect(hub.count(path: "/ws/chat/x") == 4 && hub.localCounts().isEmpty)
    }
}
