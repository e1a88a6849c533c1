/// The server's WebSocket heartbeat: one timer for the whole server, not one per connection.
/// Every interval it gives each open WebSocket's machine a tick
/// (``WebSocketConnectionMachine/heartbeatTick(ping:now:)``), which drops a connection that sent
/// nothing since the previous tick (1001) or left a message half-sent (1008), and otherwise
/// queues the ping, the same two bytes for everyone, encoded once per tick.
///
/// ```text
///   tick ──▶ for each channel carrying a WebSocket: machine.heartbeatTick ──▶ ping / drop
///     └── re-armed at now + interval
/// ```
/// So an idle connection holds no timer: its heartbeat state is one bit in its machine, and a
/// half-open peer (cable pulled) is gone within two intervals of its last bytes.
///
/// ```swift
/// let heartbeat = WebSocketHeartbeat(channels: group, intervalMilliseconds: 30_000)
/// heartbeat.start()          // Server.start(); 0 ms means no heartbeat
/// ```
@MainActor
final class WebSocketHeartbeat {
    private let channels: ChannelGroup
    /// Milliseconds between ticks; 0: the heartbeat is off.
    let intervalMilliseconds: UInt64
    private var timer: TimerQueue.Token?

    init(channels: ChannelGroup, intervalMilliseconds: UInt64) {
        self.channels = channels
        self.intervalMilliseconds = intervalMilliseconds
    }

    func start() {
        guard intervalMilliseconds > 0, timer == nil else { return }
        arm()
    }

    func stop() {
        if let timer { channels.loop.cancel(timer) }
        timer = nil
    }

    private func arm() {
        let loop = channels.loop
        timer = loop.schedule(at: loop.now() + intervalMilliseconds) { [weak self] in self?.tick() }
    }

    /// Ticks every WebSocket of the server, then re-arms.
    func tick() {
        timer = nil
        let ping = WebSocketFrameEncoder.outgoingControl(.ping, payload: [], mask: nil)
        let now = channels.loop.now()
        for channel in channels.channels where channel.carriesWebSocket {   // a copy: a drop removes from it
            (channel.session as? WebSocketSession)?.heartbeat(ping: ping, now: now)
        }
        arm()
    }
}
