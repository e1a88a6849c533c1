/// One of the backplane's two Redis connections (publishing or subscribed) through its life:
/// resolving the address, connecting, logging in (AUTH/SELECT from the URL), subscribing
/// (subscriber only), ready; on any failure back to waiting for a retry.
///
/// ```
/// waiting ──retry──▶ connecting ──open──▶ handshaking ──OK──▶ (subscribing ──confirmed──▶) ready
///    ▲                    │                    │                        │                    │
///    └────────────────────┴─ refused / timeout / error reply / EOF / silent (no PONG) ───────┘
/// ```
/// Handshaking is skipped when the URL has no password and database 0 (nothing to say). The
/// backplane owns the timers and decides what each failure means; the link only keeps the
/// state and the connection of one attempt (`generation` tells a stale callback from a live one).
@MainActor
final class RedisLink {
    enum Role: String { case publisher, subscriber }
    enum Phase: Equatable { case waiting, connecting, handshaking, subscribing, ready }

    let role: Role
    var phase = Phase.waiting
    /// When the current phase began (for the connect timeout).
    var phaseStarted: UInt64 = 0
    var connection: RedisConnection?
    var handshake: RedisHandshake?
    /// Subscription confirmations still expected.
    var subscriptionsPending = 0
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
        subscriptionsPending = 0
        pingOutstanding = false
        phase = .waiting
        generation += 1
    }
}
