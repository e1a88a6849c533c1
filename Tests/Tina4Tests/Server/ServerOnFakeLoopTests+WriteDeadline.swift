import Glibc
import Testing
@testable import Tina4

/// The write deadline on a whole server over real sockets, in fake time: output a client does
/// not read (or reads slower than the minimum rate) is dropped after a window.
extension ServerOnFakeLoopTests {
    @Test func aConnectionCloseResponseNobodyReadsIsDroppedAtTheWriteDeadline() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try await loop.turn(until: { channel.output == .waitingForWritable })
        if case .flushingToClose = channel.lifecycle {} else { Issue.record("the answer is being flushed before the close") }
        #expect(server.channels.writeDeadlines.count == 1)
        loop.advance(by: 29_999)
        #expect(!channel.isClosed)
        loop.advance(by: 1)
        #expect(channel.isClosed, "no byte taken in a whole window: the socket and its 8 MiB go")
        #expect(server.channels.writeDeadlines.count == 0)
        #expect(lines.all.contains { $0.contains("[server] fd=\(channel.fd): client read 0 bytes in 30000 ms with ") && $0.contains("(less than 1024 bytes/s), closing") })
        _ = client
    }

    @Test func aReaderSlowerThanTheMinimumRateCannotHoldALargeResponse() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let (client, channel) = try await connect(server)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        try await loop.turn(until: { channel.output == .waitingForWritable })
        var buffer = [UInt8](repeating: 0, count: 512)
        var windows = 0
        while !channel.isClosed && windows < 100 {   // 512 bytes every 5 s: about 100 bytes/s
            _ = recv(client.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            loop.turn()
            loop.advance(by: 5_000)
            windows += 1
        }
        #expect(channel.isClosed)
        #expect(windows <= 6, "dropped at the end of the first 30 s window")
        #expect(lines.all.contains { $0.contains("[server] fd=\(channel.fd): client read ") && $0.contains("(less than 1024 bytes/s), closing") })
    }
}
