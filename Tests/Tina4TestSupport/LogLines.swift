import Synchronization
import Tina4

/// Collects log lines, for assertions from any thread.
///
/// ```swift
/// let lines = LogLines()
/// let server = try TestServer(log: lines.log(minimum: .warn)) { routes, _ in … }
/// #expect(lines.all.contains { $0.contains("conn=") })
/// ```
public final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A log that writes into this collector instead of standard error.
    public func log(minimum: Log.Level = .debug) -> Log {
        Log(minimum: minimum) { [self] line in lines.withLock { $0.append(line) } }
    }

    public var all: [String] { lines.withLock { $0 } }
}
