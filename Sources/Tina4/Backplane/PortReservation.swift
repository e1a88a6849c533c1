import Glibc

/// A port held for a group of processes: bound with SO_REUSEPORT but not listening, so it takes
/// no connections itself while workers that bind it with SO_REUSEPORT share it.
///
/// ```swift
/// let reservation = try PortReservation(host: "127.0.0.1", port: 0)   // port 0 picks a free one
/// spawnWorkers(port: reservation.port)                                 // they bind with reusePort
/// ```
public struct PortReservation: Sendable {
    public let fd: Int32
    public let port: Int

    public init(host: String, port: Int) throws(SocketError) {
        let fd = try Socket.bound(host: host, port: port, nonBlocking: false, reusePort: true)
        self.fd = fd
        self.port = Socket.boundPort(fd) ?? port
    }

    /// Gives the port up.
    public func release() { Glibc.close(fd) }
}
