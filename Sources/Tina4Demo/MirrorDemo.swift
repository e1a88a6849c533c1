import Tina4

extension Demos {
    /// `/ws/mirror` sends every message back verbatim, text as text and binary as binary: the
    /// route conformance suites and benchmarks drive.
    static func registerMirror() {
        Router.websocket("/ws/mirror") { connection, event, data in
            guard event == .message else { return }
            if data.isBinary { connection.send(data.bytes) } else { connection.send(data.text) }
        }
    }
}
