import Synchronization
@testable import Tina4

/// Collects the lines a server logs, for assertions from any thread.
///
/// ```swift
/// let lines = LogLines()
/// let server = try TestServer(log: lines.log(minimum: .warn)) { routes, _ in … }
/// #expect(lines.all.contains { $0.contains("conn=") })
/// ```
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    /// A log that writes into this collector instead of standard error.
    func log(minimum: Log.Level = .debug) -> Log {
        Log(minimum: minimum) { [self] line in lines.withLock { $0.append(line) } }
    }

    var all: [String] { lines.withLock { $0 } }
}
