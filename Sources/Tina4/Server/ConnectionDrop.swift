/// Why the server refused or dropped a connection on its own initiative. Every such decision
/// is reported through ``ChannelGroup/dropped(_:)``, the one place that logs it (and where a
/// counter per case belongs).
///
/// ```swift
/// group.dropped(.overConnectionCap(limit: 100_000))   // one log line, rate-limited
/// ```
enum ConnectionDrop {
    /// Accepted while `limit` connections were open (`TINA4_MAX_CONNECTIONS`): answered 503.
    case overConnectionCap(limit: Int)
    /// Accepted while `limit` connections from `address` were open (`TINA4_MAX_PER_IP`): answered 503.
    case overAddressCap(address: PeerAddress, limit: Int)
    /// The process is out of file descriptors (EMFILE/ENFILE): accepting pauses for 250 ms.
    case outOfFileDescriptors(open: Int)
    /// Output waited on a socket the client read too little of (under the minimum rate) for a
    /// whole write timeout: closed.
    case writeStalled(channel: String, read: Int, pending: Int, milliseconds: UInt64, minimumBytesPerSecond: Int)

    /// Refusals at accept time come in floods: their log lines are rate-limited, per kind
    /// (0 to ``refusalKinds`` - 1); nil for a drop that is logged every time.
    var refusalKind: Int? {
        switch self {
        case .overConnectionCap: 0
        case .overAddressCap: 1
        case .outOfFileDescriptors: 2
        case .writeStalled: nil
        }
    }

    static let refusalKinds = 3

    /// The log line's text (without the count of lines held back).
    var message: String {
        switch self {
        case .overConnectionCap(let limit):
            "[server] \(limit) connections open (TINA4_MAX_CONNECTIONS): refused a connection with 503"
        case .overAddressCap(let address, let limit):
            "[server] \(limit) connections open from \(address) (TINA4_MAX_PER_IP): refused a connection with 503"
        case .outOfFileDescriptors(let open):
            "[server] out of file descriptors (\(open) connections open): not accepting for 250 ms"
        case .writeStalled(let channel, let read, let pending, let milliseconds, let minimum):
            "[server] \(channel): client read \(read) bytes in \(milliseconds) ms with \(pending) bytes pending (less than \(minimum) bytes/s), closing"
        }
    }
}
