import Testing
import Tina4TestSupport
@testable import Tina4

/// The backplane's two links over real loopback sockets on a fake clock, against a Redis the
/// test plays by hand (``FakeRedis``).
@MainActor @Suite struct RedisLinkTests {
    /// A stopped Redis: the kernel completes the connect into its backlog and nothing answers.
    /// The links must stay down (envelopes queue, no recovery line) until Redis itself has
    /// answered, give up after the connect timeout, and come up once it answers.
    @Test func aLinkIsUpOnlyAfterRedisHasAnsweredNotOnATCPConnect() async throws {
        let redis = try FakeRedis()
        let loop = FakeLoop()
        let lines = LogLines()
        let configuration = BackplaneConfiguration(url: try RedisURL(parsing: "redis://127.0.0.1:\(redis.port)"))
        let hub = WebSocketHub()   // the backplane holds it unowned, as the server's routes own it
        let backplane = RedisBackplane(configuration: configuration, hub: hub, log: lines.log(), loop: loop)
        backplane.start()
        defer { backplane.stop(); withExtendedLifetime(hub) {} }
        let publisher = backplane.publisher, subscriber = backplane.subscriber

        try await loop.turn(until: { publisher.phase != .connecting && subscriber.phase != .connecting })
        #expect(publisher.phase == .handshaking && subscriber.phase == .handshaking, "connected, but Redis has not answered")
        #expect(!backplane.isConnected && !backplane.metrics.connected)
        backplane.relay(.text("while stopped"), toPath: "/ws/chat/general", excluding: nil)
        loop.turn()
        #expect(backplane.queuedCount == 1 && backplane.metrics.queuedWhileDisconnected == 1, "queued, as during an outage")
        #expect(!lines.all.contains { $0.contains("connected to Redis") || $0.contains("reachable again") })

        // The handshake has the connect timeout to be answered.
        loop.advance(by: configuration.connectTimeoutMilliseconds + 250)
        #expect(publisher.phase == .waiting && subscriber.phase == .waiting)
        #expect(lines.all.contains { $0.contains("[backplane] cannot reach Redis") && $0.contains("connected, but Redis did not answer within 3000 ms") })

        // The retries connect into the backlog too; then Redis wakes up and works through it.
        loop.advance(by: configuration.minBackoffMilliseconds)
        try await loop.turn(until: { publisher.phase == .handshaking && subscriber.phase == .handshaking })
        redis.acceptWaiting()
        redis.readAvailable()
        #expect(redis.clients.count == 4 && redis.clients.filter(\.closed).count == 2, "the timed-out attempts were closed")
        let subscribing = redis.open(sending: "SUBSCRIBE"), pinging = redis.open(sending: "PING")
        try #require(subscribing.count == 1 && pinging.count == 1)

        redis.send("*3\r\n$9\r\nsubscribe\r\n$8\r\ntina4:ws\r\n:1\r\n", to: subscribing[0])
        redis.send("*3\r\n$9\r\nsubscribe\r\n$17\r\ntina4:ws:presence\r\n:2\r\n", to: subscribing[0])
        try await loop.turn(until: { subscriber.isReady })
        #expect(!publisher.isReady && !backplane.isConnected, "the publisher has had no PONG yet")
        loop.turn()
        redis.readAvailable()
        #expect(!pinging[0].sent("PUBLISH"), "nothing is published on a link Redis has not answered")

        redis.send("+PONG\r\n", to: pinging[0])
        try await loop.turn(until: { backplane.isConnected })
        #expect(lines.all.contains { $0.contains("is reachable again after") && $0.contains("re-subscribed; 1 queued envelope(s) being published in order") })
        try await loop.turn(until: {
            redis.readAvailable()
            return pinging[0].sent("PUBLISH") && pinging[0].sent("while stopped")
        })
    }
}
