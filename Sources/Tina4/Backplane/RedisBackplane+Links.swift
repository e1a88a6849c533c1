/// Connecting, failing and reconnecting the two links; one log line per outage and one per recovery.
extension RedisBackplane {
    func connect(_ link: RedisLink) {
        link.reset()
        link.retryTimer = nil
        link.phase = .connecting
        link.phaseStarted = loop.now()
        let generation = link.generation
        let url = configuration.url
        RedisAddress.resolve(host: url.host, port: url.port) { [weak self] result in
            guard let self, self.isRunning, link.generation == generation else { return }
            switch result {
            case .failure(let error):
                self.linkFailed(link, reason: "cannot resolve \(url.host): \(error)")
            case .success(let address):
                self.open(link, to: address, generation: generation)
            }
        }
    }

    private func open(_ link: RedisLink, to address: RedisAddress, generation: Int) {
        let connection = RedisConnection(loop: loop)
        link.connection = connection
        connection.onClosed = { [weak self] reason in
            guard let self, link.generation == generation else { return }
            self.linkFailed(link, reason: reason)
        }
        connection.onOpen = { [weak self] in
            guard let self, link.generation == generation else { return }
            self.opened(link, connection)
        }
        connection.onReply = { [weak self] reply in
            guard let self, link.generation == generation else { return }
            self.replied(link, reply)
        }
        connection.connect(to: address)
    }

    /// Connected: the handshake goes out, and the link stays down until Redis has answered all
    /// of it (within the connect timeout, checked by `tick`).
    private func opened(_ link: RedisLink, _ connection: RedisConnection) {
        let channels = link.role == .subscriber ? [configuration.channel, configuration.presenceChannel] : []
        let handshake = RedisHandshake(url: configuration.url, subscribingTo: channels)
        link.phase = .handshaking
        link.phaseStarted = loop.now()
        link.handshake = handshake
        connection.send(handshake.commands)
    }

    private func replied(_ link: RedisLink, _ reply: RESPValue) {
        if var handshake = link.handshake {
            switch handshake.receive(reply) {
            case .more:
                link.handshake = handshake
            case .failed(let reason):
                linkFailed(link, reason: reason)
            case .done:
                link.handshake = nil
                ready(link)
            }
            return
        }
        switch link.role {
        case .publisher:
            publisherReplied(reply)
        case .subscriber:
            subscriberReplied(reply)
        }
    }

    /// Pub/sub pushes once subscribed: `message`s, and `pong` answers to the keep-alive PING.
    private func subscriberReplied(_ reply: RESPValue) {
        guard case .array(let items?) = reply, let kind = items.first?.text else {
            if case .error(let message) = reply { return linkFailed(subscriber, reason: "Redis refused SUBSCRIBE: \(message)") }
            return linkFailed(subscriber, reason: "unexpected reply on the subscription: \(reply)")
        }
        switch kind {
        case "message" where items.count == 3:
            guard let channel = items[1].text, let payload = items[2].bytes else { return }
            if channel == configuration.channel {
                received(envelope: payload)
            } else if channel == configuration.presenceChannel {
                received(presence: payload)
            }
        case "pong":
            subscriber.pingOutstanding = false
        default:
            break
        }
    }

    private func ready(_ link: RedisLink) {
        link.phase = .ready
        link.backoff.reset()
        let now = loop.now()
        if link.role == .publisher {
            closeGateIfNeeded()
            pump()
            nextHeartbeat = 0   // share the counts at once
            publishPresence(full: true)
        } else {
            link.pingSentAt = now
            link.pingOutstanding = false
        }
        guard isConnected else { return }
        if let started = outageStarted {
            let dropped = droppedDuringOutage + outbox.takeDropped()
            log.info("[backplane] Redis at \(configuration.url) is reachable again after \(Self.seconds(now - started)) s: re-subscribed; \(queuedCount) queued envelope(s) being published in order\(dropped > 0 ? ", \(dropped) dropped while the queue was full" : "")")
            outageStarted = nil
            droppedDuringOutage = 0
        } else if !everConnected {
            log.info("[backplane] connected to Redis at \(configuration.url): broadcasts reach every instance")
        }
        everConnected = true
    }

    /// Any failure of either link: retry after a backoff; the first failure of an outage is logged.
    func linkFailed(_ link: RedisLink, reason: String) {
        guard isRunning else { return }
        let wasReady = isConnected
        link.reset()
        if outageStarted == nil { peersBeforeOutage = presence.instanceCount }
        if link.role == .publisher {
            requeueInFlight()
            gateDeadline = nil
        } else {
            presence.removeAll()
        }
        if outageStarted == nil {
            outageStarted = loop.now()
            let what = everConnected || wasReady ? "lost Redis at \(configuration.url)" : "cannot reach Redis at \(configuration.url)"
            log.warn("[backplane] \(what) (\(link.role.rawValue): \(reason)). Serving local clients only; keeping up to \(configuration.queueLimit) outgoing envelopes; reconnecting with backoff")
        } else {
            log.debug("[backplane] \(link.role.rawValue) attempt failed: \(reason)")
        }
        droppedDuringOutage += outbox.takeDropped()
        let delay = link.backoff.nextDelay(using: &randomSource)
        link.retryTimer = loop.schedule(at: loop.now() + delay) { [weak self] in
            guard let self, self.isRunning else { return }
            self.connect(link)
        }
    }

    static func seconds(_ milliseconds: UInt64) -> String {
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}
