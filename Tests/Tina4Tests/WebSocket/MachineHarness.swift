@testable import Tina4

/// Drives a ``WebSocketConnectionMachine`` the way the server session does, with no socket and
/// a fake clock: it records what the machine asks for (bytes written, events delivered, hub
/// membership, timers with their deadlines, how the socket closes) and lets a test advance time.
final class MachineHarness {
    typealias Machine = WebSocketConnectionMachine

    enum Socket: Equatable { case open, closingWhenFlushed, closed }

    var machine: Machine
    /// Milliseconds on the fake clock.
    private(set) var now: UInt64 = 0
    private(set) var timers: [Machine.TimerKind: UInt64] = [:]
    /// Frames written (a test's handler may append its own replies, as a send would).
    var written: [[UInt8]] = []
    /// "open", "message:TEXT", "binary:N", "close", and "returned" after each handler returns.
    private(set) var log: [String] = []
    private(set) var pongs: [[UInt8]] = []
    private(set) var notices: [Machine.Notice] = []
    /// The code of each `.closed` notice (kept apart from `notices`: every connection has one).
    private(set) var closeCodes: [UInt16] = []
    /// When set, every ``feed(_:)`` counts messages against it at the fake clock's time.
    var rateLimit: WebSocketRateLimit?
    private(set) var inHub = false
    private(set) var socket = Socket.open
    /// Called for each delivered event; return true to make the handler throw.
    var handler: (MachineHarness, WebSocketEvent, WebSocketData) -> Bool = { _, _, _ in false }

    init(role: Machine.Role = .server, maxMessageBytes: Int = 1 << 20, closeTimeout: UInt64 = 5_000) {
        machine = Machine(role: role, maxMessageBytes: maxMessageBytes, closeTimeoutMilliseconds: closeTimeout)
    }

    var closeEvents: Int { log.filter { $0 == "close" }.count }
    var events: [String] { log.filter { $0 != "returned" } }

    // MARK: Inputs

    func start() { perform(machine.start()) }
    func feed(_ bytes: [UInt8]) { perform(bytes.withUnsafeBytes { machine.received($0, rateLimit: rateLimit, now: now) }) }
    /// A heartbeat tick, with the server's shared empty ping.
    func tick() { perform(machine.heartbeatTick(ping: OutgoingBytes([0x89, 0x00]), now: now)) }
    /// The channel's output went over its cap.
    func overflow() { perform(machine.outputOverflowed()) }
    func close(_ code: WebSocketCloseCode = .normal, _ reason: String = "") { perform(machine.close(code: code, reason: reason)) }
    func endOfStream() { perform(machine.inputEnded()) }
    func socketGone() {
        socket = .closed
        perform(machine.socketGone())
    }

    /// The channel wrote everything after `closeWhenFlushed` and closed (as Channel does).
    func flushed() {
        guard socket == .closingWhenFlushed else { return }
        socketGone()
    }

    /// Moves the fake clock on and fires the timers that fall due, earliest first.
    func advance(_ milliseconds: UInt64) {
        now += milliseconds
        while let due = timers.filter({ $0.value <= now }).min(by: { $0.value < $1.value }) {
            timers[due.key] = nil
            perform(machine.timerFired(due.key))
        }
    }

    // MARK: Driver

    private func perform(_ first: [Machine.Action]) {
        var actions = first
        while !actions.isEmpty {
            var delivery: (WebSocketEvent, WebSocketData)?
            for action in actions {
                precondition(delivery == nil, "a deliver action must be the last of its list")
                switch action {
                case .join: inHub = true
                case .leave: inHub = false
                case .write(let bytes): if socket == .open { written.append(bytes.bytes) }
                case .deliver(let event, let data): delivery = (event, data)
                case .pong(let payload): pongs.append(payload)
                case .arm(let kind, let milliseconds): timers[kind] = now + milliseconds
                case .cancel(let kind): timers[kind] = nil
                case .closeWhenFlushed: if socket == .open { socket = .closingWhenFlushed }
                case .closeNow: if socket != .closed { socketGone() }
                case .abort(let bytes):
                    if socket == .open { written.append(bytes.bytes) }
                    if socket != .closed { socketGone() }
                case .notice(.closed(let code)): closeCodes.append(code)
                case .notice(let notice): notices.append(notice)
                }
            }
            guard let (event, data) = delivery else { return }
            switch event {
            case .open: log.append("open")
            case .close: log.append("close")
            case .message: log.append(data.isBinary ? "binary:\(data.bytes.count)" : "message:\(data.text)")
            }
            let threw = handler(self, event, data)
            log.append("returned")
            actions = machine.handlerReturned(threw: threw)
        }
    }
}

/// A client (masked) frame with the test key 11 22 33 44, built by `rawFrame`.
func clientFrame(_ opcode: UInt8, _ payload: [UInt8] = []) -> [UInt8] { rawFrame(opcode, payload) }

/// A server (unmasked) frame.
func serverFrame(_ opcode: UInt8, _ payload: [UInt8] = []) -> [UInt8] { rawFrame(opcode, payload, mask: nil) }

/// A close payload: the code big-endian, then the reason.
func closePayload(_ code: UInt16, _ reason: String = "") -> [UInt8] { [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8) }

/// A connection as the server builds one, on `transport`, with a handler that does nothing.
@MainActor
func testConnection(id: String = "c", path: String, params: [String: String] = [:], headers: HTTPHeaders = HTTPHeaders(),
                    hub: WebSocketHub, transport: any WebSocketTransport) -> WebSocketConnection {
    WebSocketConnection(id: id, path: path, params: params, headers: headers, hub: hub, transport: transport,
                        route: path, handler: { _, _, _ in }, log: Log(minimum: .error), maxMessageBytes: 1 << 20,
                        closeTimeoutMilliseconds: 5_000)
}
