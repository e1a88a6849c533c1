import CShims
import Glibc
import Testing
@testable import Tina4
import Tina4TestSupport

/// The channel over a real socket pair, on a fake loop: linger, the backlog cap, pausing and
/// resuming, drain notifications, hang-ups. Time moves only when the test says so.
@MainActor @Suite struct ChannelTests {
    /// Records what the channel tells its session.
    @MainActor final class RecordingSession: ChannelSession {
        var received: [UInt8] = []
        var inputEndedCount = 0
        var closedCount = 0
        var drainedCount = 0
        func received(_ bytes: UnsafeRawBufferPointer) { received.append(contentsOf: bytes) }
        func inputEnded() { inputEndedCount += 1 }
        func channelClosed() { closedCount += 1 }
        func outputDrained() { drainedCount += 1 }
    }

    /// A channel on one end of a socket pair; `peer` is the other end (non-blocking).
    @MainActor struct Fixture {
        let loop = FakeLoop()
        let lines = LogLines()
        let group: ChannelGroup
        let channel: Channel
        let session = RecordingSession()
        let peer: Int32

        init(maxOutputBytes: Int = 16 << 20, lingerMilliseconds: UInt64 = 2_000) throws {
            var fds: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0 else {
                throw TestFailure("socketpair: errno \(errno)")
            }
            peer = fds[1]
            group = ChannelGroup(loop: loop, log: lines.log(), maxOutputBytes: maxOutputBytes, lingerMilliseconds: lingerMilliseconds)
            channel = Channel(fd: fds[0], group: group)
            channel.session = session
            channel.start()
        }

        func peerWrite(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { write(peer, $0.baseAddress, $0.count) }
        }

        /// What the peer can read now, and whether it saw EOF.
        func peerRead() -> (bytes: [UInt8], eof: Bool) {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(peer, &buffer, buffer.count)
                if n > 0 { out.append(contentsOf: buffer[0..<n]); continue }
                return (out, n == 0)
            }
        }

        func closePeer() { close(peer) }
    }

    @Test func aClosingChannelWritesEverythingHalfClosesAndLingersUntilTheTimer() throws {
        let f = try Fixture()
        defer { f.closePeer() }
        f.channel.send(Array("last words".utf8))
        f.channel.closeWhenFlushed()
        f.channel.send(Array("dropped".utf8))   // nothing is queued after a close was asked for
        f.loop.turn()
        let (bytes, eof) = f.peerRead()
        #expect(String(decoding: bytes, as: UTF8.self) == "last words")
        #expect(eof, "the write side is shut")
        #expect(!f.channel.isClosed, "still reading what the peer sends")

        f.peerWrite("late request")
        f.loop.turn()
        #expect(f.session.received.isEmpty, "input while lingering is discarded")
        f.loop.advance(by: 1_999)
        #expect(!f.channel.isClosed)
        f.loop.advance(by: 1)
        #expect(f.channel.isClosed)
        #expect(f.session.closedCount == 1)
        #expect(f.group.count == 0)
        #expect(f.loop.registeredCount == 0)
    }

    @Test func lingeringEndsAsSoonAsThePeerCloses() throws {
        let f = try Fixture()
        f.channel.send(Array("bye".utf8))
        f.channel.closeWhenFlushed()
        f.loop.turn()
        #expect(f.loop.pendingTimerCount == 1)
        f.closePeer()
        f.loop.turn()
        #expect(f.channel.isClosed)
        #expect(f.loop.pendingTimerCount == 0, "the linger timer is cancelled")
    }

    @Test func closingAfterThePeerEndedItsSideSkipsTheLinger() throws {
        let f = try Fixture()
        defer { f.closePeer() }
        shutdown(f.peer, Int32(SHUT_WR))
        f.loop.turn()
        #expect(f.session.inputEndedCount == 1)
        f.channel.send(Array("answer".utf8))
        f.channel.closeWhenFlushed()
        f.loop.turn()
        #expect(f.channel.isClosed)
        #expect(String(decoding: f.peerRead().bytes, as: UTF8.self) == "answer")
    }

    @Test func aSendOntoABacklogOverTheCapDisconnectsAtTheNextFlush() throws {
        let f = try Fixture(maxOutputBytes: 1_000)
        defer { f.closePeer() }
        f.channel.send([UInt8](repeating: 1, count: 4 << 20))   // one big item is fine…
        f.loop.turn()
        #expect(!f.channel.isClosed)
        #expect(f.channel.pendingOutputBytes > 1_000, "the peer reads nothing: most of it waits")
        #expect(f.channel.output == .waitingForWritable)
        f.channel.send([2])                                       // …a backlog past the cap is not
        #expect(!f.channel.isClosed, "not in the middle of someone's broadcast")
        f.loop.turn()
        #expect(f.channel.isClosed)
        #expect(f.lines.all.contains { $0.contains("client is not reading") && $0.contains("fd=\(f.channel.fd)") })
    }

    @Test func aFullSocketIsWatchedForWritabilityAndTheSessionHearsWhenItDrains() throws {
        let f = try Fixture()
        defer { f.closePeer() }
        let big = [UInt8](repeating: 3, count: 2 << 20)
        f.channel.send(big)
        f.loop.turn()
        #expect(f.channel.output == .waitingForWritable)
        #expect(f.loop.interest[f.channel.fd].map { $0 & UInt32(CSHIM_EPOLLOUT) != 0 } == true)
        #expect(f.session.drainedCount == 0)
        var got = 0
        for _ in 0..<10_000 where got < big.count {
            got += f.peerRead().bytes.count
            f.loop.turn()
        }
        #expect(got == big.count)
        #expect(f.channel.output == .idle)
        #expect(f.session.drainedCount == 1)
        #expect(f.loop.interest[f.channel.fd].map { $0 & UInt32(CSHIM_EPOLLOUT) == 0 } == true)
        #expect(f.channel.bytesWritten == big.count)
    }

    @Test func aPausedChannelReadsNothingUntilResumed() throws {
        let f = try Fixture()
        defer { f.closePeer() }
        f.channel.pauseReading()
        #expect(f.loop.interest[f.channel.fd] == 0)
        f.peerWrite("held back")
        f.loop.turn()
        #expect(f.session.received.isEmpty)
        f.channel.resumeReading()
        #expect(String(decoding: f.session.received, as: UTF8.self) == "held back", "read at once on resume")
    }

    @Test func aPeerThatHangsUpWhileTheChannelIsPausedIsClosedAtOnce() throws {
        let f = try Fixture()
        f.channel.pauseReading()
        f.closePeer()
        f.loop.turn()
        #expect(f.channel.isClosed)
        #expect(f.session.closedCount == 1)
    }

    @Test func eventsAfterCloseDoNothing() throws {
        let f = try Fixture()
        defer { f.closePeer() }
        f.channel.closeNow()
        f.channel.handleEvents(UInt32(CSHIM_EPOLLIN | CSHIM_EPOLLOUT | CSHIM_EPOLLHUP | CSHIM_EPOLLERR | CSHIM_EPOLLRDHUP))
        f.channel.send([1])
        f.channel.closeWhenFlushed()
        f.channel.resumeReading()
        f.channel.flush()
        f.channel.closeNow()
        #expect(f.session.closedCount == 1)
        #expect(f.channel.pendingOutputBytes == 0)
    }
}
