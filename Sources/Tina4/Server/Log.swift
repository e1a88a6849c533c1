import Glibc

/// Server log lines on standard error: `2026-11-22 04:50:01 WARN [ws] /ws/chat/{room} conn=Ab3…: …`.
///
/// A `sink` sends the lines somewhere else instead, e.g. to capture them in a test:
/// ```swift
/// let lines = Mutex<[String]>([])
/// let log = Log(minimum: .warn) { line in lines.withLock { $0.append(line) } }
/// let server = Server(configuration: configuration, log: log)
/// ```
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warn, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var label: String { ["DEBUG", "INFO", "WARN", "ERROR"][rawValue] }
    }

    /// Lines below this level are skipped (`TINA4_LOG_LEVEL`: debug, info, warn, error).
    public var minimum: Level
    /// Receives each line (without its newline) instead of standard error; nil writes to fd 2.
    /// Called on the thread that logs (the main actor, for the server's own lines).
    public var sink: (@Sendable (String) -> Void)?

    public init(minimum: Level = .info, sink: (@Sendable (String) -> Void)? = nil) {
        self.minimum = minimum
        self.sink = sink
    }

    /// The application's log, for handlers (`Log.shared.info(…)`). A ``Server`` created without a
    /// log of its own takes a copy of it then; the server's lines go to `server.log`, never here.
    @MainActor public static var shared = Log()

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func warn(_ message: @autoclosure () -> String) { write(.warn, message) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message) }

    private func write(_ level: Level, _ message: () -> String) {
        guard level >= minimum else { return }
        let now = CivilTime.now().seconds
        let stamp = CivilTime(seconds: now, offset: CivilTime.localOffset(at: now)).dateAndTime
        var line = "\(stamp) \(level.label) \(message())"
        if let sink { return sink(line) }
        line += "\n"
        line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }  // one write per line: lines never interleave
    }
}
