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
        }
    }

    var summary: String {
        switch self {
        case .closeReceived(_, let reason): reason.isEmpty ? "close handshake" : "close handshake: \(reason.prefix(123))"
        case .violation(let error): "protocol error: \(error.reason)"
        case .endOfStream: "end of stream without a close frame"
        case .closeTimedOut: "no close frame from the client in time"
        case .flushTimedOut: "closing output not taken in time"
        case .socketGone: "connection lost"
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
