import Testing

extension WebSocketServerTests {
    /// Records what handlers saw, for assertions from the test thread.
    ///
    /// ```swift
    /// routes.websocket("/ws/x") { connection, event, _ in journal.add("\(event.rawValue) \(connection.id)") }
    /// await journal.wait(for: "close")   // an issue, not a hang, when no such line comes in 5 s
    /// ```
    @MainActor final class Journal {
        var lines: [String] = []
        private var waiters: [(id: Int, prefix: String, continuation: CheckedContinuation<Bool, Never>)] = []
        private var nextWaiter = 0

        func add(_ line: String) {
            lines.append(line)
            let arrived = waiters.filter { line.hasPrefix($0.prefix) }
            waiters.removeAll { line.hasPrefix($0.prefix) }
            for waiter in arrived { waiter.continuation.resume(returning: true) }
        }

        /// Suspends until a line starting with `prefix` has been recorded, or `timeout` seconds
        /// pass: then records an issue (the event was lost) and returns.
        func wait(for prefix: String, timeout: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) async {
            if lines.contains(where: { $0.hasPrefix(prefix) }) { return }
            let id = nextWaiter
            nextWaiter += 1
            let arrived = await withCheckedContinuation { continuation in
                waiters.append((id, prefix, continuation))
                Task { @MainActor [weak self] in
                    try? await Task.sleep(for: .seconds(timeout))
                    self?.expire(id)
                }
            }
            if !arrived {
                Issue.record("no journal line starting with \"\(prefix)\" within \(timeout) s; lines: \(lines)",
                             sourceLocation: sourceLocation)
            }
        }

        private func expire(_ id: Int) {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
            waiters.remove(at: index).continuation.resume(returning: false)
        }
    }
}
