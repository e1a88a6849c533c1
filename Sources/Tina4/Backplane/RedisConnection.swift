import CShims
import Glibc

/// One non-blocking TCP connection to Redis on the event loop: a thin I/O layer that writes
/// encoded commands and hands decoded replies to its owner. It never blocks: `connect` returns
/// EINPROGRESS and completes on EPOLLOUT, writes that the socket does not take wait for
/// EPOLLOUT, and the queue of unwritten bytes is bounded (past it, Redis is not reading and the
/// connection is dropped).
///
/// ```
/// connecting ──EPOLLOUT, SO_ERROR=0──▶ open ──EOF / error / close()──▶ closed
///      └──────────── refused / close() ─────────────────────────────────▲
/// ```
/// `onOpen` fires once when connected, `onReply` for each reply, `onClosed` exactly once with
/// the reason (none after ``close()``, which the owner calls itself).
@MainActor
final class RedisConnection: EventLoopHandler {
    enum State { case connecting, open, closed }

    private let loop: any ChannelLoop
    private(set) var fd: Int32 = -1
    private(set) var state = State.connecting
    private var decoder = RESPDecoder()
    private var output: [UInt8] = []
    private var outputStart = 0
    private var watchingWrites = false
    /// Unwritten bytes tolerated before the connection is declared stuck.
    let maxOutputBytes: Int

    var onOpen: (@MainActor () -> Void)?
    var onReply: (@MainActor (RESPValue) -> Void)?
    var onClosed: (@MainActor (String) -> Void)?

    init(loop: any ChannelLoop, maxOutputBytes: Int = 64 << 20) {
        self.loop = loop
        self.maxOutputBytes = maxOutputBytes
    }

    /// Starts connecting; a failure that is known at once is reported on the next loop turn.
    func connect(to address: RedisAddress) {
        fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return failSoon("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.storage.withUnsafeBytes { raw in
            Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if result != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            Socket.close(fd)
            fd = -1
            return failSoon("connect: \(reason)")
        }
        loop.register(fd, events: UInt32(CSHIM_EPOLLOUT), handler: self)
        watchingWrites = true
    }

    private func failSoon(_ reason: String) {
        state = .closed
        _ = loop.schedule(at: loop.now()) { [weak self] in self?.onClosed?(reason) }
    }

    /// Queues bytes (one or more encoded commands) and writes what the socket takes now.
    func send(_ bytes: [UInt8]) {
        guard state != .closed else { return }
        if outputStart >= 64 * 1024 && outputStart * 2 >= output.count {
            output.removeFirst(outputStart)
            outputStart = 0
        }
        output.append(contentsOf: bytes)
        if output.count - outputStart > maxOutputBytes {
            return fail("Redis is not reading: more than \(maxOutputBytes) bytes unwritten")
        }
        if state == .open && !watchingWrites { writeOutput() }
    }

    /// Bytes queued and not yet written.
    var pendingOutputBytes: Int { output.count - outputStart }

    /// Closes without calling `onClosed`.
    func close() {
        guard state != .closed else { return }
        state = .closed
        teardown()
    }

    func handleEvents(_ events: UInt32) {
        guard state != .closed else { return }
        if state == .connecting {
            guard events & UInt32(CSHIM_EPOLLOUT | CSHIM_EPOLLERR | CSHIM_EPOLLHUP) != 0 else { return }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else { return fail("connect: \(String(cString: strerror(code)))") }
            state = .open
            watchingWrites = false
            updateInterest()
            onOpen?()
            if state == .open && pendingOutputBytes > 0 { writeOutput() }
            return
        }
        if events & UInt32(CSHIM_EPOLLOUT) != 0 { writeOutput() }
        if state == .open && events & UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLHUP | CSHIM_EPOLLERR | CSHIM_EPOLLRDHUP) != 0 { readAvailable() }
    }

    private func readAvailable() {
        var budget = 1 << 20   // per turn, so a flood from Redis cannot starve the clients
        while state == .open && budget > 0 {
            switch Socket.read(fd, into: loop.readBuffer) {
            case .data(let count):
                budget -= count
                decoder.feed(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
                do {
                    while state == .open, let reply = try decoder.next() { onReply?(reply) }
                } catch {
                    return fail(error.description)
                }
            case .wouldBlock:
                return
            case .eof:
                return fail("Redis closed the connection")
            case .failed(let code):
                return fail("read: \(String(cString: strerror(code)))")
            }
        }
    }

    private func writeOutput() {
        while state == .open && outputStart < output.count {
            let n = output.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + outputStart, raw.count - outputStart)
            }
            if n > 0 {
                outputStart += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if !watchingWrites {
                    watchingWrites = true
                    updateInterest()
                }
                return
            } else {
                return fail("write: \(String(cString: strerror(errno)))")
            }
        }
        guard state == .open else { return }
        output.removeAll(keepingCapacity: output.count <= 64 * 1024)
        outputStart = 0
        if watchingWrites {
            watchingWrites = false
            updateInterest()
        }
    }

    private func updateInterest() {
        var events = UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP)
        if watchingWrites { events |= UInt32(CSHIM_EPOLLOUT) }
        loop.modify(fd, events: events)
    }

    private func fail(_ reason: String) {
        guard state != .closed else { return }
        state = .closed
        teardown()
        onClosed?(reason)
    }

    private func teardown() {
        if fd >= 0 {
            loop.unregister(fd)
            Socket.close(fd)
            fd = -1
        }
        output.removeAll()
        outputStart = 0
    }
}
