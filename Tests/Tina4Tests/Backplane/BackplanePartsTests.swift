import Testing
@testable import Tina4

/// The backplane's sans-I/O parts: handshake, backoff, the outage queue, cluster counts.
@Suite struct BackplanePartsTests {
    @Test func theHandshakeSendsAuthAndSelectFromTheURLAndReadsTheirReplies() throws {
        var full = RedisHandshake(url: try RedisURL(parsing: "redis://app:pw@h/2"))
        #expect(full.commands == RESPEncoder.command("AUTH", "app", "pw") + RESPEncoder.command("SELECT", "2") + RESPEncoder.command("PING"))
        #expect(full.receive(.simpleString("OK")) == .more)
        #expect(full.receive(.simpleString("OK")) == .more, "AUTH and SELECT answered; the PING not yet")
        #expect(full.receive(.simpleString("PONG")) == .done)

        var passwordOnly = RedisHandshake(url: try RedisURL(parsing: "redis://:pw@h"))
        #expect(passwordOnly.commands == RESPEncoder.command("AUTH", "pw") + RESPEncoder.command("PING"))
        #expect(passwordOnly.receive(.error("WRONGPASS invalid username-password pair")) == .failed("Redis refused AUTH: WRONGPASS invalid username-password pair"))

        var select = RedisHandshake(url: try RedisURL(parsing: "redis://h/99"))
        #expect(select.receive(.error("ERR DB index is out of range")) == .failed("Redis refused SELECT 99: ERR DB index is out of range"))
    }

    /// Feeds `bytes` from Redis through the decoder into `handshake`; the step of each reply.
    func steps(_ handshake: inout RedisHandshake, _ bytes: String) throws -> [RedisHandshake.Step] {
        var decoder = RESPDecoder()
        decoder.feed(Array(bytes.utf8))
        var steps: [RedisHandshake.Step] = []
        while let reply = try decoder.next() { steps.append(handshake.receive(reply)) }
        return steps
    }

    /// A TCP connect proves nothing (the kernel completes it into a stopped Redis's backlog):
    /// even with nothing to log in with, each link waits for an answer from Redis itself.
    @Test func aLinkIsUpOnlyWhenRedisHasAnsweredItsHandshake() throws {
        var publisher = RedisHandshake(url: RedisURL())
        #expect(publisher.commands == Array("*1\r\n$4\r\nPING\r\n".utf8), "nothing to log in with: a PING, never an empty handshake")
        #expect(try steps(&publisher, "+PONG\r\n") == [.done])

        var refused = RedisHandshake(url: RedisURL())
        #expect(try steps(&refused, "-LOADING Redis is loading the dataset in memory\r\n") == [.failed("Redis refused PING: LOADING Redis is loading the dataset in memory")])
        var odd = RedisHandshake(url: RedisURL())
        #expect(try steps(&odd, ":1\r\n") == [.failed("unexpected reply to PING: integer(1)")])

        var subscriber = RedisHandshake(url: try RedisURL(parsing: "redis://:pw@h"), subscribingTo: ["tina4:ws", "tina4:ws:presence"])
        #expect(subscriber.commands == RESPEncoder.command("AUTH", "pw") + RESPEncoder.command("SUBSCRIBE", "tina4:ws", "tina4:ws:presence"))
        #expect(try steps(&subscriber, "+OK\r\n*3\r\n$9\r\nsubscribe\r\n$8\r\ntina4:ws\r\n:1\r\n") == [.more, .more],
                "logged in and one channel confirmed: still not up")
        #expect(try steps(&subscriber, "*3\r\n$9\r\nsubscribe\r\n$17\r\ntina4:ws:presence\r\n:2\r\n") == [.done])

        var wrongChannel = RedisHandshake(url: RedisURL(), subscribingTo: ["tina4:ws"])
        let step = try steps(&wrongChannel, "*3\r\n$9\r\nsubscribe\r\n$5\r\nother\r\n:1\r\n")
        guard case .failed(let reason) = step.first else { Issue.record("a confirmation of another channel was accepted"); return }
        #expect(reason.hasPrefix("unexpected reply to SUBSCRIBE tina4:ws: "))
        var noPermission = RedisHandshake(url: RedisURL(), subscribingTo: ["tina4:ws"])
        #expect(try steps(&noPermission, "-NOPERM this user has no permissions to access the 'tina4:ws' channel\r\n")
                == [.failed("Redis refused SUBSCRIBE tina4:ws: NOPERM this user has no permissions to access the 'tina4:ws' channel")])
    }

    /// A generator that always returns all ones: `random(in: 0...n)` gives n, the top of the jitter.
    struct Highest: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    @Test func backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        var backoff = Backoff(minimum: 100, maximum: 1_000)
        var highest = Highest()
        #expect((0..<6).map { _ in backoff.nextDelay(using: &highest) } == [100, 200, 400, 800, 1_000, 1_000])
        backoff.reset()
        var random = SystemRandomNumberGenerator()
        for step: UInt64 in [100, 200, 400, 800, 1_000, 1_000] {
            let delay = backoff.nextDelay(using: &random)
            #expect(delay >= step / 2 && delay <= step)
        }
        for _ in 0..<100 { _ = backoff.nextDelay(using: &random) }   // no overflow after many failures
        #expect(backoff.nextDelay(using: &random) <= 1_000)
    }

    @Test func theQueueDropsTheOldestPastEitherLimitAndCountsThem() {
        var queue = EnvelopeQueue(limit: 3, byteLimit: 10)
        for i in 1...5 { queue.push([UInt8(i)]) }
        #expect(queue.count == 3 && queue.takeDropped() == 2 && queue.takeDropped() == 0)
        #expect(queue.popFirst() == [3])
        queue.push(Array(repeating: 9, count: 9))   // 2 + 9 bytes > 10: the oldest goes first
        #expect(queue.removeAll() == [[5], Array(repeating: 9, count: 9)])
        #expect(queue.takeDropped() == 1)
        queue.push(Array(repeating: 1, count: 11))  // bigger than the byte limit alone: dropped itself
        #expect(queue.isEmpty && queue.takeDropped() == 1)
        queue.push([1]); queue.push([2])
        queue.pushFront([[7], [8]])   // unacknowledged ones back in front, in order; 4 > 3 drops [7]
        #expect(queue.removeAll() == [[8], [1], [2]])
        var many = EnvelopeQueue(limit: 10_000, byteLimit: 1 << 20)
        for i in 0..<5_000 { many.push([UInt8(truncatingIfNeeded: i)]) }
        for i in 0..<5_000 { #expect(many.popFirst() == [UInt8(truncatingIfNeeded: i)]) }
        #expect(many.isEmpty && many.byteCount == 0)
    }

    @Test func clusterCountsFollowReportsAndForgetQuietInstances() {
        var presence = ClusterPresence(timeout: 3_000)
        presence.apply(source: "b", counts: ["/a": 2, "/b": 1], full: true, now: 0)
        presence.apply(source: "c", counts: ["/a": 3], full: true, now: 500)
        #expect(presence.count(path: "/a") == 5 && presence.count(path: "/b") == 1 && presence.instanceCount == 2)
        presence.apply(source: "b", counts: ["/b": 0, "/c": 4], full: false, now: 1_000)
        #expect(presence.count(path: "/b") == 0 && presence.count(path: "/c") == 4 && presence.count(path: "/a") == 5)
        presence.apply(source: "c", counts: [:], full: true, now: 1_200)   // c's heartbeat: nothing open now
        #expect(presence.count(path: "/a") == 2)
        #expect(presence.expire(now: 3_900) == [])
        #expect(presence.expire(now: 4_100) == ["b"])
        #expect(presence.count(path: "/a") == 0 && presence.count(path: "/c") == 0 && presence.instanceCount == 1)
        presence.remove(source: "c")
        #expect(presence.instanceCount == 0)
    }

    @Test func logLinesOfAKindAreLetThroughOncePerInterval() {
        var limit = LogRateLimit(interval: 10_000)
        #expect(limit.allow(now: 0) == 0)
        #expect(limit.allow(now: 1) == nil && limit.allow(now: 9_999) == nil)
        #expect(limit.allow(now: 10_000) == 2)
    }
}
