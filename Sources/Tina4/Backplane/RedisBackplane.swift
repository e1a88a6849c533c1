/// Makes many `tina4` instances sharing one Redis act as one server: a broadcast or a
/// `pushToWebSocket` on any instance reaches the connections on every instance, and
/// `connectionCount` counts them all.
///
/// ```swift
/// let server = Server(configuration: configuration)
/// if let settings = try BackplaneConfiguration.fromEnvironment(Environment.current) {
///     RedisBackplane(configuration: settings, hub: server.hub).start()
/// }
/// try server.start()
/// server.runForever()
/// ```
///
/// How a broadcast travels (instance A publishes, B and C subscribe; A hears its own too):
/// ```
/// A: connection.broadcast("hi") ─▶ A's local connections      (at once)
///                               └▶ outbox ─PUBLISH tina4:ws─▶ Redis ─▶ B, C: their local connections
///                                                                   └▶ A: own `src`, dropped
/// ```
/// - **Exactly once per receiving connection**: an instance delivers locally first and drops
///   its own envelopes by `src`; an envelope re-published after a reconnect (sent, but its
///   reply lost) carries the same `seq` and is dropped by receivers that already had it.
/// - **In order per sender**: one publishing connection, envelopes published in the order of
///   the broadcasts, re-sent in that order after a reconnect.
/// - **Redis away**: local delivery goes on; outgoing envelopes wait in a bounded queue (oldest
///   dropped and counted) and are published in order once Redis is back and the instances seen
///   before the outage have re-subscribed (`PUBSUB NUMSUB`, waited for a few seconds at most).
///   Messages published by *other* instances while this one was disconnected from Redis are
///   not replayed to it if they published while it was unsubscribed: Redis pub/sub keeps nothing.
/// - Counts travel on ``BackplaneConfiguration/presenceChannel`` with a heartbeat; an
///   instance unheard for a few seconds drops out.
///
/// Everything runs on the event loop: no call waits on the network.
@MainActor
public final class RedisBackplane: WebSocketHubRelay {
    public let configuration: BackplaneConfiguration
    /// This instance's `src` in envelopes: 16 random hex digits.
    public let instanceID: String
    /// The loop every socket and timer of the backplane uses (the one reference to swap it).
    let loop: any ChannelLoop
    unowned let hub: WebSocketHub
    public var log: Log

    let publisher: RedisLink
    let subscriber: RedisLink
    var randomSource = SystemRandomNumberGenerator()

    // Outgoing envelopes: waiting to be sent, and sent but not yet acknowledged.
    var outbox: EnvelopeQueue
    var inFlight: [[UInt8]] = []
    var inFlightHead = 0
    /// Replies the publisher connection owes, in order, with when each command went out.
    var pendingReplies: [(kind: ReplyKind, sentAt: UInt64)] = []
    var pendingRepliesHead = 0
    enum ReplyKind { case envelope, presence, subscriberCount }
    private var sequence: UInt64 = 0
    private var pumpScheduled = false
    static let maxInFlight = 1_000

    // After an outage: hold the queue until the peers seen before it have re-subscribed.
    var peersBeforeOutage = 0
    var gateDeadline: UInt64?
    var subscriberCountAsked = false

    // Outage bookkeeping: one line when it starts, one when it ends.
    var outageStarted: UInt64?
    var everConnected = false
    var droppedDuringOutage = 0
    var queuedAtRecovery = 0

    // Incoming.
    var lastSequence: [String: UInt64] = [:]
    var presence: ClusterPresence
    var dirtyPaths: Set<String> = []
    var presenceTimerScheduled = false
    var nextHeartbeat: UInt64 = 0
    var malformedLog = LogRateLimit(interval: 10_000)
    var skippedLog = LogRateLimit(interval: 10_000)
    var dropLog = LogRateLimit(interval: 10_000)
    var roomNoted = false

    private var tickTimer: TimerQueue.Token?
    private(set) var isRunning = false

    /// Envelopes published and acknowledged by Redis, and envelopes from other instances delivered.
    public internal(set) var publishedCount = 0
    public internal(set) var receivedCount = 0
    /// Envelopes queued while the publishing connection was down, and envelopes Redis refused.
    private(set) var queuedWhileDisconnectedCount = 0
    private(set) var refusedCount = 0

    public convenience init(configuration: BackplaneConfiguration, hub: WebSocketHub, log: Log? = nil) {
        self.init(configuration: configuration, hub: hub, log: log, loop: EventLoop.shared)
    }

    /// On another loop than the server's (a test's fake clock).
    init(configuration: BackplaneConfiguration, hub: WebSocketHub, log: Log?, loop: any ChannelLoop) {
        self.configuration = configuration
        self.hub = hub
        self.log = log ?? Log.shared
        self.loop = loop
        var generator = SystemRandomNumberGenerator()
        let id = generator.next() as UInt64
        let hex = String(id, radix: 16)
        instanceID = String(repeating: "0", count: 16 - hex.count) + hex
        let backoff = Backoff(minimum: configuration.minBackoffMilliseconds, maximum: configuration.maxBackoffMilliseconds)
        publisher = RedisLink(role: .publisher, backoff: backoff)
        subscriber = RedisLink(role: .subscriber, backoff: backoff)
        outbox = EnvelopeQueue(limit: configuration.queueLimit, byteLimit: configuration.queueByteLimit)
        presence = ClusterPresence(timeout: configuration.presenceTimeoutMilliseconds)
    }

    /// True while both connections are up (broadcasts reach the other instances now).
    public var isConnected: Bool { publisher.isReady && subscriber.isReady }

    /// Envelopes waiting for Redis (queued plus sent and unacknowledged).
    public var queuedCount: Int { outbox.count + inFlight.count - inFlightHead }

    /// Joins the hub and starts connecting; returns at once. Redis being down is not an error:
    /// the instance serves its local clients and keeps trying.
    public func start() {
        guard !isRunning else { return }
        isRunning = true
        hub.relay = self
        log.info("[backplane] redis \(configuration.url), instance \(instanceID), channel \(configuration.channel)")
        connect(publisher)
        connect(subscriber)
        scheduleTick()
    }

    /// Says goodbye (so other instances drop this one's counts at once), then closes both
    /// connections. Broadcasts stay local afterwards.
    public func stop() {
        guard isRunning else { return }
        isRunning = false
        if publisher.isReady, let connection = publisher.connection {
            let bye = JSON(["src": .string(instanceID), "bye": true]).serializedBytes()
            connection.send(RESPEncoder.command([Array("PUBLISH".utf8), Array(configuration.presenceChannel.utf8), bye]))
        }
        if let tickTimer { loop.cancel(tickTimer) }
        for link in [publisher, subscriber] {
            if let timer = link.retryTimer { loop.cancel(timer) }
            link.reset()
        }
        presence.removeAll()
        hub.relay = nil
    }

    // MARK: WebSocketHubRelay

    func relay(_ payload: BackplaneEnvelope.Payload, toPath path: String, excluding connectionID: String?) {
        guard isRunning else { return }
        sequence += 1
        let envelope = BackplaneEnvelope(source: instanceID, target: .path(path), exclude: connectionID, payload: payload, sequence: sequence)
        outbox.push(envelope.encoded())
        if !publisher.isReady { queuedWhileDisconnectedCount += 1 }
        if outbox.dropped > 0 && outageStarted == nil {
            let dropped = outbox.takeDropped()
            if let more = dropLog.allow(now: loop.now()) {
                log.warn("[backplane] Redis is not keeping up: \(dropped + more) outgoing envelope(s) dropped, the queue holds \(configuration.queueLimit) at most")
            }
        }
        schedulePump()
    }

    var metrics: BackplaneMetrics {
        BackplaneMetrics(connected: isConnected, published: publishedCount, received: receivedCount,
                         queuedWhileDisconnected: queuedWhileDisconnectedCount, dropped: outbox.droppedTotal + refusedCount)
    }

    func remoteCount(path: String) -> Int {
        subscriber.isReady ? presence.count(path: path) : 0
    }

    func localCountChanged(path: String) {
        guard isRunning else { return }
        dirtyPaths.insert(path)
        guard !presenceTimerScheduled else { return }
        presenceTimerScheduled = true
        _ = loop.schedule(at: loop.now() + configuration.countCoalesceMilliseconds) { [weak self] in
            guard let self else { return }
            self.presenceTimerScheduled = false
            self.publishCountChanges()
        }
    }

    // MARK: Publishing

    func schedulePump() {
        guard !pumpScheduled else { return }
        pumpScheduled = true
        // A timer due now runs at the end of this loop turn: a burst of broadcasts in one turn
        // goes out in one write.
        _ = loop.schedule(at: 0) { [weak self] in
            self?.pumpScheduled = false
            self?.pump()
        }
    }

    /// Sends queued envelopes while the publisher is up and not held back after an outage.
    func pump() {
        guard publisher.isReady, let connection = publisher.connection, gateDeadline == nil else { return }
        var batch: [UInt8] = []
        let now = loop.now()
        let channel = Array(configuration.channel.utf8)
        while inFlight.count - inFlightHead < Self.maxInFlight, let envelope = outbox.popFirst() {
            RESPEncoder.append(command: [Array("PUBLISH".utf8), channel, envelope], to: &batch)
            inFlight.append(envelope)
            pendingReplies.append((.envelope, now))
        }
        if !batch.isEmpty { connection.send(batch) }
    }

    /// A reply on the publishing connection: it answers the oldest command still owed.
    func publisherReplied(_ reply: RESPValue) {
        guard pendingRepliesHead < pendingReplies.count else {
            return publisherFailed("a reply nobody asked for: \(reply)")
        }
        let kind = pendingReplies[pendingRepliesHead].kind
        pendingRepliesHead += 1
        if pendingRepliesHead >= 1024 && pendingRepliesHead * 2 >= pendingReplies.count {
            pendingReplies.removeFirst(pendingRepliesHead)
            pendingRepliesHead = 0
        }
        switch kind {
        case .envelope:
            inFlightHead += 1
            if inFlightHead >= 1024 && inFlightHead * 2 >= inFlight.count {
                inFlight.removeFirst(inFlightHead)
                inFlightHead = 0
            }
            if case .error(let message) = reply {
                refusedCount += 1
                if let more = dropLog.allow(now: loop.now()) {
                    log.warn("[backplane] Redis refused a PUBLISH: \(message); the envelope is dropped\(more > 0 ? " (\(more) similar not shown)" : "")")
                }
            } else {
                publishedCount += 1
            }
            if inFlight.count - inFlightHead < Self.maxInFlight / 2 && !outbox.isEmpty { schedulePump() }
        case .presence:
            break
        case .subscriberCount:
            subscriberCountAsked = false
            // [channel, count]
            if case .array(let items?) = reply, items.count == 2, case .integer(let count) = items[1],
               count >= Int64(peersBeforeOutage + 1) {
                openGate()
            }
        }
    }

    func publisherFailed(_ reason: String) {
        linkFailed(publisher, reason: reason)
    }

    /// Sent-but-unacknowledged envelopes go back to the front of the queue, in order.
    func requeueInFlight() {
        outbox.pushFront(Array(inFlight[inFlightHead...]))
        inFlight.removeAll()
        inFlightHead = 0
        pendingReplies.removeAll()
        pendingRepliesHead = 0
        subscriberCountAsked = false
    }

    /// After an outage, waits until the instances seen before it are subscribed again, so what
    /// was queued meanwhile reaches them; gives up waiting after a few seconds.
    func closeGateIfNeeded() {
        guard peersBeforeOutage > 0, !outbox.isEmpty else { return }
        gateDeadline = loop.now() + configuration.maxBackoffMilliseconds + configuration.connectTimeoutMilliseconds + 1_000
        askSubscriberCount()
    }

    func askSubscriberCount() {
        guard publisher.isReady, let connection = publisher.connection, !subscriberCountAsked else { return }
        subscriberCountAsked = true
        connection.send(RESPEncoder.command("PUBSUB", "NUMSUB", configuration.channel))
        pendingReplies.append((.subscriberCount, loop.now()))
    }

    func openGate() {
        guard gateDeadline != nil else { return }
        log.debug("[backplane] the \(peersBeforeOutage) instance(s) seen before the outage are subscribed again: publishing \(outbox.count) queued envelope(s)")
        gateDeadline = nil
        peersBeforeOutage = 0
        pump()
    }

    // MARK: Ticks

    private func scheduleTick() {
        tickTimer = loop.schedule(at: loop.now() + 250) { [weak self] in
            guard let self, self.isRunning else { return }
            self.tick(now: loop.now())
            self.scheduleTick()
        }
    }

    /// Every 250 ms: connect timeouts, the subscriber's PING, PUBLISH replies that are late,
    /// the heartbeat, instances that went quiet, the post-outage gate.
    func tick(now: UInt64) {
        for link in [publisher, subscriber] where link.phase != .waiting && link.phase != .ready {
            if now > link.phaseStarted + configuration.connectTimeoutMilliseconds {
                linkFailed(link, reason: link.phase == .connecting
                    ? "no connection within \(configuration.connectTimeoutMilliseconds) ms"
                    : "connected, but Redis did not answer within \(configuration.connectTimeoutMilliseconds) ms")
            }
        }
        if subscriber.isReady, let connection = subscriber.connection {
            if subscriber.pingOutstanding {
                if now > subscriber.pingSentAt + configuration.replyTimeoutMilliseconds {
                    linkFailed(subscriber, reason: "the subscription went silent: no answer to PING within \(configuration.replyTimeoutMilliseconds) ms")
                }
            } else if now >= subscriber.pingSentAt + configuration.pingIntervalMilliseconds {
                subscriber.pingOutstanding = true
                subscriber.pingSentAt = now
                connection.send(RESPEncoder.command("PING"))
            }
        }
        if publisher.isReady, pendingRepliesHead < pendingReplies.count,
           now > pendingReplies[pendingRepliesHead].sentAt + configuration.replyTimeoutMilliseconds {
            linkFailed(publisher, reason: "no reply to PUBLISH within \(configuration.replyTimeoutMilliseconds) ms")
        }
        if let deadline = gateDeadline {
            if now >= deadline {
                log.warn("[backplane] not every instance seen before the outage has re-subscribed yet; publishing the queued envelopes anyway")
                openGate()
            } else {
                askSubscriberCount()
            }
        }
        if now >= nextHeartbeat {
            nextHeartbeat = now + configuration.heartbeatMilliseconds
            publishPresence(full: true)
        }
        presence.expire(now: now)
    }
}
