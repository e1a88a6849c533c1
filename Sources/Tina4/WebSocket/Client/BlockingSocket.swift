import Glibc

/// A connected TCP socket whose reads and writes wait, but never past a deadline: the fd is
/// non-blocking and `poll` does the waiting. One thread uses it; the fd closes on deinit.
///
/// ```swift
/// let socket = try BlockingSocket.connect(host: "localhost", port: 7145, deadline: .now + .seconds(5))
/// try socket.writeAll(Array("ping".utf8), deadline: .now + .seconds(5))
/// ```
final class BlockingSocket {
    private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    var isOpen: Bool { fd >= 0 }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
    }

    /// Resolves `host` (names such as "localhost", IPv4 and IPv6 literals) and connects to the
    /// first address that answers before `deadline`.
    static func connect(host: String, port: UInt16, deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> BlockingSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = socketType(stream: true)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .connectFailed("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var failures: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let address = info.ai_addr else { continue }
            let fd = socket(info.ai_family, socketType(stream: false) | info.ai_socktype, info.ai_protocol)
            if fd < 0 {
                failures.append(errnoText())
                continue
            }
            let candidate = BlockingSocket(fd: fd)
            if let failure = candidate.finishConnect(address, info.ai_addrlen, deadline: deadline) {
                failures.append(failure)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return candidate
        }
        throw .connectFailed("\(host):\(port): \(failures.isEmpty ? "no addresses" : failures.joined(separator: "; "))")
    }

    /// Runs the non-blocking connect to completion; nil on success, else why it failed.
    private func finishConnect(_ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t, deadline: ContinuousClock.Instant) -> String? {
        if Glibc.connect(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return errnoText() }
        guard wait(for: Int16(POLLOUT), until: deadline) else { return "connect timed out" }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 { return errnoText() }
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Writes every byte or throws: `.timeout` past the deadline, `.connectionLost` when the
    /// peer is gone.
    func writeAll(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(WebSocketClientError) {
        guard isOpen else { throw .connectionLost }
        var sent = 0
        while sent < bytes.count {
            let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if n > 0 {
                sent += n
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                if !wait(for: Int16(POLLOUT), until: deadline) { throw .timeout }
            } else {
                throw .connectionLost
            }
        }
    }

    func writeAll(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WebSocketClientError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(WebSocketClientError) in try writeAll(raw, deadline: deadline) }
        }
        try result.get()
    }

    /// Reads what is available, waiting until `deadline` for something: the byte count, 0 at
    /// end of stream (or a reset), nil when the deadline passed first.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant) throws(WebSocketClientError) -> Int? {
        guard isOpen else { throw .connectionLost }
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                if !wait(for: Int16(POLLIN), until: deadline) { return nil }
            default:
                return 0
            }
        }
    }

    /// Polls for `events` until the deadline; true when the fd is ready (or in error, which
    /// the next call reports).
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&entry, 1, Self.milliseconds(until: deadline))
            if rc > 0 { return true }
            if rc == 0 { return false }
            if errno != EINTR { return true }
        }
    }

    /// Milliseconds from now to `deadline`, rounded up, 0 when it has passed.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    /// SOCK_STREAM, or the flags that make a new fd non-blocking and close-on-exec.
    private static func socketType(stream: Bool) -> Int32 {
        stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }

private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
