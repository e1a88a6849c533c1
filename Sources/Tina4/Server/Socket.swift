import CShims
import Glibc

/// A failed socket call, with the call and the system's reason.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var call: String
    public var code: Int32
    public var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    /// True for EADDRINUSE, so the CLI can print a one-line hint.
    public var isAddressInUse: Bool { code == EADDRINUSE }
}

/// The few socket syscalls the server uses, as small static functions.
enum Socket {
    /// Opens a non-blocking listening TCP socket on `host:port` (IPv4 or IPv6 literal, or a name).
    /// Returns the fd and the port actually bound (useful with port 0). `reusePort` sets
    /// SO_REUSEPORT, so several processes (`tina4 serve --workers N`) share the port.
    static func listen(host: String, port: Int, backlog: Int32 = 1024, reusePort: Bool = false) throws(SocketError) -> (fd: Int32, port: Int) {
        let fd = try bound(host: host, port: port, nonBlocking: true, reusePort: reusePort)
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "listen", code: code)
        }
        return (fd, boundPort(fd) ?? port)
    }

    /// A TCP socket bound to `host:port` (SO_REUSEADDR, and SO_REUSEPORT when asked), not yet
    /// listening: ``listen(host:port:backlog:reusePort:)`` and ``PortReservation`` start from it.
    static func bound(host: String, port: Int, nonBlocking: Bool, reusePort: Bool) throws(SocketError) -> Int32 {
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
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
        let fd = socket(first.pointee.ai_family, flags, 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if reusePort { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "bind(\(host):\(port))", code: code)
        }
        return fd
    }

    static func boundPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default: return nil
        }
    }

    /// Accepts one connection as a non-blocking fd with TCP_NODELAY; nil when none is pending.
    static func accept(_ listener: Int32) -> Int32? {
        let fd = cshim_accept(listener)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// The outcome of a non-blocking read.
    enum ReadResult { case data(Int), wouldBlock, eof, failed(Int32) }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .data(n) }
            if n == 0 { return .eof }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// The outcome of a non-blocking write.
    enum WriteResult { case wrote(Int), wouldBlock, failed(Int32) }

    static func writev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> WriteResult {
        while true {
            let n = Glibc.writev(fd, vectors.baseAddress, Int32(vectors.count))
            if n >= 0 { return .wrote(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// Answers a connection that is not admitted and closes it, without blocking: discards what
    /// the client sent already (so the close is a FIN, not a reset that could destroy the answer
    /// in flight), writes `answer` (a small response; whatever the socket takes), then closes.
    static func refuse(_ fd: Int32, answer: OutgoingBytes, scratch: UnsafeMutableRawBufferPointer) {
        if case .data = read(fd, into: scratch) {}
        _ = Glibc.send(fd, answer.base, answer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        shutdownWrite(fd)
        close(fd)
    }

    /// Half-closes the sending side, so the peer reads EOF after our last bytes.
    static func shutdownWrite(_ fd: Int32) { _ = shutdown(fd, Int32(SHUT_WR)) }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Ignores SIGPIPE, so a write to a closed socket returns EPIPE instead of killing the process.
    static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}
