import Tina4

extension Demos {
    /// When the server started, in ``MonotonicClock/seconds()``: `get-status` reports the whole seconds
    /// since then. Set when the demos are registered, just before `tina4 serve` starts listening.
    static var startedAt = MonotonicClock.seconds()
    /// The clock `get-status` reads (tests replace it to control the uptime).
    static var clock: @MainActor @Sendable () -> Double = { MonotonicClock.seconds() }

    /// Chapter §5, sending to one client: `/ws/private` answers `get-time` and `get-status` to the
    /// sender only. The status is real: uptime, open WebSockets server-wide, resident memory.
    static func registerPrivate() {
        startedAt = clock()
        Router.websocket("/ws/private") { connection, event, data in
            guard event == .message else { return }
            guard let message = data.json, message.object != nil else {
                connection.sendError(#"expected JSON such as {"action": "get-time"}"#)
                return
            }
            guard let action = connection.requiredText("action", in: message) else { return }
            switch action {
            case "get-time":
                connection.sendJson(["type": "time", "server_time": Timestamp.iso8601()])
            case "get-status":
                connection.sendJson([
                    "type": "status",
                    "uptime": Int(clock() - startedAt),
                    "connections": Router.hub.totalCount,
                    "memory_mb": (residentMegabytes() * 100).rounded() / 100,
                ])
            default:
                connection.sendError("unknown action '\(action)'; use get-time or get-status")
            }
        }
    }

    /// Resident set size in MiB (``ProcessStats/residentBytes()``, the figure `/metrics` reports).
    static func residentMegabytes() -> Double {
        Double(ProcessStats.residentBytes() ?? 0) / 1_048_576
    }
}
