extension WebSocketConnectionMachine.Ending {
    /// The close code this ending counts under in `tina4_websocket_closes_total` (1005 for a
    /// close frame without a code, 1006 when no close frame came), and a few words for the
    /// dashboard's last disconnects.
    ///
    /// ```swift
    /// WebSocketConnectionMachine.Ending.endOfStream.closeCode   // 1006
    /// ```
    var closeCode: UInt16 {
        switch self {
        case .closeReceived(let code, _): code ?? 1005
        case .violation(let error): error.code.rawValue
        case .endOfStream, .closeTimedOut, .flushTimedOut, .socketGone: 1006
        case .dropped(let reason): reason.code.rawValue
        }
    }

    var summary: String {
        switch self {
        case .closeReceived(let code, let reason):
            "close handshake, " + (code.map(Self.meaning) ?? "no code") + (reason.isEmpty ? "" : ": \(reason.prefix(123))")
        case .violation(let error): "protocol error: \(error.reason)"
        case .endOfStream: "end of stream without a close frame"
        case .closeTimedOut: "no close frame from the client in time"
        case .flushTimedOut: "closing output not taken in time"
        case .socketGone: "connection lost"
        case .dropped(let reason): "dropped: \(reason.reason)"
        }
    }
}

extension WebSocketConnectionMachine.Ending {
    /// A few words for the common codes (RFC 6455 §7.4.1); others by number class.
    static func meaning(_ code: UInt16) -> String {
        switch code {
        case 1000: "normal closure"
        case 1001: "going away"
        case 1002: "protocol error"
        case 1003: "unsupported data"
        case 1007: "invalid data"
        case 1008: "policy violation"
        case 1009: "message too big"
        case 1010: "extension required"
        case 1011: "internal error"
        case 1012: "service restart"
        case 1013: "try again later"
        case 3000...3999: "registered code"
        case 4000...4999: "application code"
        default: "code"
        }
    }
}

extension WebSocketConnectionMachine.State {
    /// How the connection ended, once it is finishing or gone.
    var ending: WebSocketConnectionMachine.Ending? {
        switch self {
        case .finishing(let ending), .gone(let ending): ending
        case .open, .closeSent: nil
        }
    }
}
