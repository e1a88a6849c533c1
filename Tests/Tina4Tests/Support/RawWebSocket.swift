import Dispatch
import Glibc
@testable import Tina4

/// A WebSocket client that follows no rules after a real handshake: it writes exactly the bytes
/// a test gives it and hands back exactly the bytes the server sent, so tests can check the
/// wire itself ("a close frame, then nothing, then EOF").
final class RawWebSocket {
    let connection: RawConnection
    /// Server bytes that arrived with the 101 response or were read since, not yet returned.
    private var unread: [UInt8]

    /// Connects and upgrades `path`; throws unless the answer is a 101.
    init(port: Int, path: String) throws {
        connection = try RawConnection(port: port)
        try connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let terminator: [UInt8] = [13, 10, 13, 10]
        let bytes = connection.read { $0.firstRange(of: terminator) != nil }
        guard let end = bytes.firstRange(of: terminator), bytes.starts(with: Array("HTTP/1.1 101 ".utf8)) else {
            throw TestFailure("no 101 response: \(String(decoding: bytes, as: UTF8.self))")
        }
        unread = Array(bytes[end.upperBound...])
    }

    func send(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// Half-closes: the server reads EOF but can still write to us.
    func finishSending() { _ = shutdown(connection.fd, Int32(SHUT_WR)) }

    /// Writes `bytes`, then half-closes, while the main queue (which drives the server's loop in
    /// tests) is held: the server finds the bytes and the EOF in the same turn, as it does with
    /// a fast client, instead of answering the bytes before the FIN arrives. Call off the main queue.
    func sendAndFinishInOneServerTurn(_ bytes: [UInt8]) throws {
        let fd = connection.fd
        let written = DispatchQueue.main.sync {   // loopback: both are in the server's socket on return
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            _ = shutdown(fd, Int32(SHUT_WR))
            return written
        }
        guard written == bytes.count else { throw TestFailure("short write: \(written) of \(bytes.count)") }
    }

    /// Everything the server sends until it closes the connection; `ended` is false when the
    /// timeout came first.
    func readToEnd(timeout: Double = 5) -> (bytes: [UInt8], ended: Bool) {
        var received = unread
        unread = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            var poller = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            let left = Int32((deadline - DispatchTime.now().uptimeNanoseconds) / 1_000_000) + 1
            guard poll(&poller, 1, left) > 0 else { continue }
            let n = Glibc.read(connection.fd, &buffer, buffer.count)
            if n <= 0 { return (received, true) }
            received.append(contentsOf: buffer[0..<n])
        }
        return (received, false)
    }

    /// The server frames in `bytes`, decoded (a close frame ends the list).
    static func events(_ bytes: [UInt8]) -> [WebSocketFrameEvent] {
        var decoder = WebSocketFrameDecoder(options: .init(maxMessageBytes: 64 << 20, requireMaskedFrames: false))
        return decoder.decode(bytes).events
    }
}
