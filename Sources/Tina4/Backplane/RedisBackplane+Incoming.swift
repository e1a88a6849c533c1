/// What arrives on the subscription: envelopes for the local connections, and other instances'
/// counts. Bad input is logged (rate-limited) and dropped; it never stops the subscription.
extension RedisBackplane {
    func received(envelope bytes: [UInt8]) {
        let decoded: BackplaneEnvelope.Decoded
        do {
            decoded = try BackplaneEnvelope.decode(bytes)
        } catch {
            if let more = malformedLog.allow(now: loop.now()) {
                let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
                log.warn("[backplane] malformed envelope on \(configuration.channel) ignored: \(error.reason): \(shown.debugDescription)\(more > 0 ? " (\(more) more not shown)" : "")")
            }
            return
        }
        switch decoded {
        case .skip(let reason):
            if let more = skippedLog.allow(now: loop.now()) {
                log.debug("[backplane] envelope skipped: \(reason)\(more > 0 ? " (\(more) more not shown)" : "")")
            }
        case .deliver(let envelope, let roomIgnored):
            guard envelope.source != instanceID else { return }   // delivered locally already
            if let sequence = envelope.sequence {
                if let last = lastSequence[envelope.source], sequence <= last { return }   // a re-sent duplicate
                if lastSequence.count >= 4_096 && lastSequence[envelope.source] == nil { lastSequence.removeAll() }
                lastSequence[envelope.source] = sequence
            }
            if roomIgnored && !roomNoted {
                roomNoted = true
                log.debug("[backplane] an envelope named a room; rooms are not a concept of this edition, delivered by path only")
            }
            receivedCount += 1
            hub.deliverRelayed(envelope)
        }
    }

    func received(presence bytes: [UInt8]) {
        guard let message = try? JSON.parse(bytes), let source = message["src"]?.string else {
            if let more = malformedLog.allow(now: loop.now()) {
                log.warn("[backplane] malformed report on \(configuration.presenceChannel) ignored\(more > 0 ? " (\(more) more not shown)" : "")")
            }
            return
        }
        guard source != instanceID else { return }
        if message["bye"]?.bool == true {
            presence.remove(source: source)
            return
        }
        guard let object = message["counts"]?.object else { return }
        var counts: [String: Int] = [:]
        for (path, value) in object {
            if let n = value.int, n >= 0 { counts[path] = n }
        }
        presence.apply(source: source, counts: counts, full: message["full"]?.bool == true, now: loop.now())
    }

    /// Shares this instance's counts: all of them (a heartbeat) or the paths that changed.
    func publishPresence(full: Bool) {
        guard publisher.isReady, let connection = publisher.connection else { return }
        let counts: [String: Int]
        if full {
            counts = hub.localCounts()
            dirtyPaths.removeAll()
        } else {
            counts = Dictionary(uniqueKeysWithValues: dirtyPaths.map { ($0, hub.localCount(path: $0)) })
            dirtyPaths.removeAll()
            if counts.isEmpty { return }
        }
        var object = JSONObject()
        for (path, count) in counts { object[path] = .number(Double(count)) }
        let message = JSON(["src": .string(instanceID), "full": .bool(full), "counts": .object(object)]).serializedBytes()
        connection.send(RESPEncoder.command([Array("PUBLISH".utf8), Array(configuration.presenceChannel.utf8), message]))
        pendingReplies.append((.presence, loop.now()))
    }

    func publishCountChanges() {
        guard !dirtyPaths.isEmpty else { return }
        publishPresence(full: false)
    }
}
