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
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError(call: "getaddrinfo(\(host))", code: status == EAI_SYSTEM ? errno : EINVAL)
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SocketError(call: "bind(\(host):\(port))", code: code)
        }
        self.fd = fd
        self.port = Socket.boundPort(fd) ?? port
    }

    /// Gives the port up.
    public func release() { Glibc.close(fd) }
}
