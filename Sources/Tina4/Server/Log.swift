import Glibc

/// Server log lines on standard error: `2026-11-22 04:50:01 WARN [ws] /ws/chat/{room} conn=Ab3…: …`.
///
/// One call is one line: control characters in a message (a path parameter with `%0a`, a
/// client's text) are written escaped (`\n`, `\r`, `\t`, `\u{1B}`), and a message longer than
/// ``maxMessageBytes`` is cut, saying how much was left out. So nothing a client sends can
/// forge a log line or flood the log with a megabyte message.
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

    /// The longest message written, in UTF-8 bytes; the rest is replaced by `… (N more bytes)`.
    public static let maxMessageBytes = 2048

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
        var line = "\(stamp) \(level.label) \(Self.sanitized(message()))"
        if let sink { return sink(line) }
        line += "\n"
        line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }  // one write per line: lines never interleave
    }

    /// `message` on one line and at most ``maxMessageBytes`` long: C0 controls, DEL and C1
    /// controls escaped, then cut at a character boundary.
    static func sanitized(_ message: String) -> String {
        let clean = message.utf8.count <= maxMessageBytes
            && !message.unicodeScalars.contains { Self.isControl($0) }
        if clean { return message }
        var out = ""
        var bytes = 0     // written to `out`
        var consumed = 0  // of `message`
        for scalar in message.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            case _ where isControl(scalar): piece = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: piece = String(scalar)
            }
            guard bytes + piece.utf8.count <= maxMessageBytes else {
                out += "… (\(message.utf8.count - consumed) more bytes)"
                break
            }
            out += piece
            bytes += piece.utf8.count
            consumed += UTF8.width(scalar)
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
