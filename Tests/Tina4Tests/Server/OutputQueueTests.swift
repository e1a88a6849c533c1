import Glibc
import Testing
@testable import Tina4

/// The output queue over a real non-blocking socket pair: order, partial writes, and that a
/// drained queue keeps nothing.
@Suite struct OutputQueueTests {
    let writer: Int32
    let reader: Int32
    let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 4)

    init() throws {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        writer = fds[0]
        reader = fds[1]
        var size: Int32 = 4096
        setsockopt(writer, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    func readAll() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(reader, &buffer, buffer.count, 0)
            if n <= 0 { return out }
            out += buffer[..<n]
        }
    }

    func chunk(_ byte: UInt8, _ count: Int) -> OutgoingBytes { OutgoingBytes([UInt8](repeating: byte, count: count)) }

    @Test func oneChunkAndManyChunksArriveInOrder() {
        defer { close(writer); close(reader); vectors.deallocate() }
        var queue = OutputQueue()
        queue.append(chunk(1, 3))
        guard case .drained = queue.write(to: writer, vectors: vectors) else { Issue.record("not drained"); return }
        #expect(readAll() == [1, 1, 1] && queue.byteCount == 0)
        for byte in UInt8(2)...UInt8(9) { queue.append(chunk(byte, 2)) }   // more chunks than vectors
        queue.append(chunk(0, 0))                                           // empty: ignored
        #expect(queue.byteCount == 16)
        guard case .drained = queue.write(to: writer, vectors: vectors) else { Issue.record("not drained"); return }
        #expect(readAll() == (UInt8(2)...UInt8(9)).flatMap { [$0, $0] })
    }

    @Test func aBlockedWriteResumesWhereItStopped() {
        defer { close(writer); close(reader); vectors.deallocate() }
        var queue = OutputQueue()
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        queue.append(OutgoingBytes(big))                                    // alone: held inline
        var received: [UInt8] = []
        var blocked = false
        for _ in 0..<10_000 where queue.byteCount > 0 {
            switch queue.write(to: writer, vectors: vectors) {
            case .blocked:
                blocked = true
                if received.count < 1000 { queue.append(chunk(7, 5)) }      // a second chunk while the first is half written
            case .drained: break
            case .failed(let code): Issue.record("write failed: \(code)")
            }
            received += readAll()
        }
        received += readAll()
        #expect(blocked)
        #expect(received.count == big.count + 5)
        #expect(Array(received.prefix(big.count)) == big && Array(received.suffix(5)) == [7, 7, 7, 7, 7])
    }
}
