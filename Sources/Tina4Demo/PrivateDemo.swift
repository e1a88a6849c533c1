import Glibc
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

    /// Resident set size from `/proc/self/statm`, in MiB.
    static func residentMegabytes() -> Double {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { s in
            withUnsafeMutablePointer(to: &resident) { r in readTwoIntegers(file, s, r) }
        }) else { return 0 }
        return Double(resident * Int(sysconf(Int32(_SC_PAGESIZE)))) / 1_048_576
    }

    private static func readTwoIntegers(_ file: UnsafeMutablePointer<FILE>, _ a: UnsafeMutablePointer<Int>, _ b: UnsafeMutablePointer<Int>) -> Bool {
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let first = Int(fields[0]), let second = Int(fields[1]) else { return false }
        a.pointee = first
        b.pointee = second
        return true
    }
}
