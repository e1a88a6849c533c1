/// One of the backplane's two Redis connections (publishing or subscribed) through its life:
/// resolving the address, connecting, the handshake (AUTH/SELECT from the URL, then SUBSCRIBE
/// for the subscriber or PING for the publisher), ready; on any failure back to waiting for a retry.
///
/// ```
/// waiting ──retry──▶ connecting ──open──▶ handshaking ──every reply right──▶ ready
///    ▲                    │                    │                               │
///    └────────────────────┴─ refused / timeout / error reply / EOF / silent (no PONG) ──┘
/// ```
/// A link is ready only once Redis has answered its handshake: a TCP connect alone proves
/// nothing (the kernel completes it into the backlog of a stopped Redis), so until then the
/// link counts as down and envelopes queue. The backplane owns the timers (the handshake has
/// the connect timeout to answer) and decides what each failure means; the link only keeps the
/// state and the connection of one attempt (`generation` tells a stale callback from a live one).
@MainActor
final class RedisLink {
    enum Role: String { case publisher, subscriber }
    enum Phase: Equatable { case waiting, connecting, handshaking, ready }

    let role: Role
    var phase = Phase.waiting
    /// When the current phase began (for the connect timeout).
    var phaseStarted: UInt64 = 0
    var connection: RedisConnection?
    var handshake: RedisHandshake?
    var backoff: Backoff
    var retryTimer: TimerQueue.Token?
    /// Bumped on each attempt; callbacks of an older attempt are ignored.
    var generation = 0
    /// The subscriber's keep-alive: when the last PING went out, and whether it is unanswered.
    var pingSentAt: UInt64 = 0
    var pingOutstanding = false

    init(role: Role, backoff: Backoff) {
        self.role = role
        self.backoff = backoff
    }

    var isReady: Bool { phase == .ready }

    /// Drops the connection of the current attempt (without its close callback).
    func reset() {
        connection?.close()
        connection = nil
        handshake = nil
        pingOutstanding = false
        phase = .waiting
        generation += 1
    }
}
