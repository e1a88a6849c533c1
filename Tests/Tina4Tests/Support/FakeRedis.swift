import Glibc
@testable import Tina4

/// A Redis the test plays by hand: a listening socket on 127.0.0.1 whose connections wait in
/// the kernel's backlog until ``acceptWaiting()``, as they do with a redis-server that is
/// stopped (SIGSTOP) or hung: the client's connect completes, nothing ever answers.
///
/// ```swift
/// let redis = try FakeRedis()
/// // … the backplane connects to redis.port; nothing answers it yet …
/// redis.acceptWaiting()
/// redis.readAvailable()
/// if let publisher = redis.clients.first(where: { $0.sent("PING") }) { redis.send("+PONG\r\n", to: publisher) }
/// ```
@MainActor
final class FakeRedis {
    final class Client {
        let fd: Int32
        var received: [UInt8] = []
        var closed = false
        init(fd: Int32) { self.fd = fd }

        /// True when the client has sent `text` (a command name, an argument) so far.
        func sent(_ text: String) -> Bool { received.firstRange(of: Array(text.utf8)) != nil }
    }

    let port: Int
    private let listener: Int32
    private(set) var clients: [Client] = []

    init() throws {
        let bound = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 16)
        listener = bound.fd
        port = bound.port
    }

    isolated deinit {
        for client in clients where !client.closed { Socket.close(client.fd) }
        Socket.close(listener)
    }

    /// Accepts every connection waiting in the backlog (including ones their client has closed).
    func acceptWaiting() {
        while let fd = Socket.accept(listener) { clients.append(Client(fd: fd)) }
    }

    /// Reads what every open client has sent, without waiting; a client that closed is marked.
    func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for client in clients where !client.closed {
            while true {
                let n = Glibc.read(client.fd, &buffer, buffer.count)
                if n > 0 {
                    client.received += buffer[0..<n]
                    continue
                }
                if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    client.closed = true
                    Socket.close(client.fd)
                }
                break
            }
        }
    }

    /// Open clients that have sent `text`.
    func open(sending text: String) -> [Client] {
        clients.filter { !$0.closed && $0.sent(text) }
    }

    /// Writes RESP `text` to `client` (a few bytes on loopback: the socket takes them at once).
    func send(_ text: String, to client: Client) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(client.fd, $0.baseAddress, $0.count) }
    }
}
