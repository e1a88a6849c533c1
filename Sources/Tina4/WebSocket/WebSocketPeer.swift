/// Where a ``WebSocketConnection`` sends: the server's session on a live socket, or, in unit
/// tests of the hub and the connection, a recorder with no socket at all.
///
/// ```swift
/// final class Recorder: WebSocketPeer {          // a test double
///     var isOpen = true
///     var sent: [OutgoingBytes] = []
///     func send(_ bytes: OutgoingBytes) { sent.append(bytes) }
///     func close(code: WebSocketCloseCode, reason: String) { isOpen = false }
/// }
/// connection.session = recorder
/// ```
@MainActor
protocol WebSocketPeer: AnyObject {
    /// True until the connection starts closing; the hub skips peers that are not open.
    var isOpen: Bool { get }
    /// Queues an encoded frame; the same instance may be queued on many peers (a broadcast).
    func send(_ bytes: OutgoingBytes)
    /// Starts the closing handshake with `code`, which must be valid on the wire.
    func close(code: WebSocketCloseCode, reason: String)
    /// How to compress frames for this peer: its permessage-deflate agreement's
    /// ``PerMessageDeflate/outbound`` (nil: plain frames). A small value with no heap, read once
    /// per receiver of a broadcast.
    var outboundCompression: PerMessageDeflate.Outbound? { get }
}

extension WebSocketPeer {
    var outboundCompression: PerMessageDeflate.Outbound? { nil }
}
