import Dispatch
import Glibc
import Testing
@testable import Tina4

/// Big responses and backpressure over real sockets: the output cap bounds a backlog, not one
/// response; pipelined big GETs are queued one response at a time; a client that resets while
/// its handler runs is released at once.
@Suite(.serialized) struct HTTPBackpressureTests {
    /// Larger than the 16 MiB output cap, smaller than the 64 MiB static file cap.
    static let fileSize = 20_000_000

    /// Pseudo-random bytes, so a lost, repeated or reordered piece cannot go unnoticed.
    static let fileBytes: [UInt8] = {
        var generator = SplitMix64(seed: 0x7149)
        return [UInt8](unsafeUninitializedCapacity: fileSize) { buffer, initialized in
            var index = 0
            while index < fileSize {
                var word = generator.next()
                for _ in 0..<8 where index < fileSize {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            initialized = fileSize
        }
    }()

    /// A server whose `public/` holds `big.bin`; keep `site` alive until the server stops.
    static func startServingBigFile(
        _ site: TempSite, writeWindowMilliseconds: UInt64 = 30_000, maxOutputBytes: Int = ServerConfiguration().maxOutputBytes
    ) async throws -> TestServer {
        site.write("big.bin", fileBytes)
        let root = site.root
        return try await MainActor.run {
            try TestServer(configure: {
                $0.publicDirectory = root
                $0.requestTimeoutMilliseconds = writeWindowMilliseconds   // also the write deadline's window
                $0.maxOutputBytes = maxOutputBytes
            }) { _, _ in }
        }
    }

    @Test func aStaticFileOverTheOutputCapArrivesWholeAndByteExact() async throws {
        let site = TempSite()
        let server = try await Self.startServingBigFile(site)
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain { () -> [WireResponse] in
            let connection = try RawConnection(port: port)
            try connection.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            return readWireResponses(connection, count: 1)
        }
        let response = try #require(responses.first, "no complete response")
        #expect(response.head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.head.contains("\r\nContent-Length: 20000000\r\n"))
        #expect(response.body.count == Self.fileSize)
        #expect(sameBytes(response.body, Self.fileBytes))
        withExtendedLifetime(site) {}
    }

    @Test func pipelinedBigGetsAreAllDeliveredAndQueuedOneAtATime() async throws {
        let site = TempSite()
        // A backlog cap far above 60 MB, so only backpressure can keep the queue at one response.
        let server = try await Self.startServingBigFile(site, maxOutputBytes: 1 << 30)
        defer { server.stopNow() }
        let port = await server.port
        let get = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
        let responses = try await offMain { () -> [WireResponse] in
            let connection = try RawConnection(port: port)
            try connection.send(get + get + get)   // one write: the server sees all three at once
            return readWireResponses(connection, count: 3)
        }
        #expect(responses.count == 3)
        for response in responses {
            #expect(response.head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(sameBytes(response.body, Self.fileBytes))
        }
        // Without backpressure all three responses (60 MB) would be queued in the same turn.
        let (peak, highWater) = await MainActor.run {
            (server.server.peakPendingOutputBytes, server.server.configuration.outputHighWaterBytes)
        }
        let oneResponse = (responses.first?.headBytes ?? 0) + Self.fileSize
        #expect(peak >= Self.fileSize, "the measurement saw a response queued")
        #expect(peak <= highWater + oneResponse, "at most one response beyond the high-water mark was queued")
        withExtendedLifetime(site) {}
    }

    /// Keep-alive, `Connection: close` and HTTP/1.0: the write deadline (a 1 s window here)
    /// applies to every pending response, including one the server closes after.
    @Test(arguments: [
        "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /big.bin HTTP/1.0\r\n\r\n",
    ])
    func aClientThatReadsNothingOfAPendingResponseIsDisconnectedAfterTheTimeout(requestText: String) async throws {
        let site = TempSite()
        let server = try await Self.startServingBigFile(site, writeWindowMilliseconds: 1_000)
        defer { server.stopNow() }
        let port = await server.port
        let connection = try await offMain { () -> Int32 in
            let fd = try RawConnection.connectedSocket(port: port)
            let request = Array(requestText.utf8)
            guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { throw TestFailure("write") }
            // Read the first bytes (so the response is under way), then stop reading: 20 MB is
            // more than the socket buffers hold, so the server is left with output pending.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var first = [UInt8](repeating: 0, count: 16)
            guard poll(&poller, 1, 5000) == 1, read(fd, &first, first.count) > 0 else { throw TestFailure("no response") }
            return fd
        }
        defer { close(connection) }
        let openWhileSending = await server.server.openConnectionCount
        let open = await server.waitForOpenConnections(atMost: 0, timeout: 10)
        #expect(openWhileSending == 1)
        #expect(open == 0, "a response nobody reads does not hold the connection forever")
        withExtendedLifetime(site) {}
    }

    @Test func aClientThatResetsWhileItsHandlerRunsIsReleasedBeforeTheHandlerEnds() async throws {
        let gate = Gate()
        let handlerStarted = DispatchSemaphore(value: 0)
        let server = try await MainActor.run {
            try TestServer { routes, _ in
                routes.get("/wait") { (_: Request, response: Response) async throws -> Response in
                    handlerStarted.signal()
                    await gate.pass()
                    return response.text("released")
                }
                routes.get("/hello") { _, response in response.text("hello") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        let reset = try await offMain { () -> Bool in
            let connection = try RawConnection(port: port)
            try connection.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
            // The handler runs, so the server has paused reading this socket; now the client resets.
            guard handlerStarted.wait(timeout: .now() + 5) == .success else { return false }
            connection.reset()
            return true
        }
        #expect(reset, "the handler never started")
        let open = await server.waitForOpenConnections(atMost: 0, timeout: 5)
        let stillWaiting = await gate.waiting
        #expect(open == 0, "the reset connection is released while its handler still waits")
        #expect(stillWaiting == 1)

        await gate.open()   // the handler finishes for a connection that is gone
        let replies = try await offMain { () -> [HTTPTestResponse] in
            let connection = try RawConnection(port: port)
            try connection.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readResponses(2)
        }
        #expect(replies.map(\.body) == ["released", "hello"])
    }
}

/// Lets a handler wait until the test opens it; open stays open.
@MainActor final class Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Handlers waiting now.
    var waiting: Int { waiters.count }

    func pass() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        let resumed = waiters
        waiters = []
        for waiter in resumed { waiter.resume() }
    }
}

/// A response read off the wire, its body kept as bytes.
struct WireResponse: Sendable {
    var head: String
    var headBytes: Int
    var body: ArraySlice<UInt8>
}

/// Reads `count` responses framed by `Content-Length`, parsing as bytes arrive (bodies may be
/// tens of megabytes, so nothing is re-parsed or converted to text).
func readWireResponses(_ connection: RawConnection, count: Int, timeout: Double = 60) -> [WireResponse] {
    var framed: [(head: Range<Int>, body: Range<Int>)] = []
    var offset = 0
    let bytes = connection.read(timeout: timeout) { bytes in
        while framed.count < count {
            let searchEnd = min(bytes.count, offset + 64 * 1024)   // a head is small
            guard let end = bytes[offset..<searchEnd].firstRange(of: [13, 10, 13, 10]) else { return false }
            let head = String(decoding: bytes[offset..<end.lowerBound], as: UTF8.self)
            let length = head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: " ")) } ?? 0
            guard bytes.count - end.upperBound >= length else { return false }
            framed.append((offset..<end.upperBound, end.upperBound..<(end.upperBound + length)))
            offset = end.upperBound + length
        }
        return true
    }
    return framed.map { range in
        WireResponse(head: String(decoding: bytes[range.head], as: UTF8.self), headBytes: range.head.count, body: bytes[range.body])
    }
}

/// Byte-for-byte equality without a slow element-wise loop in debug builds.
func sameBytes(_ received: ArraySlice<UInt8>, _ expected: [UInt8]) -> Bool {
    guard received.count == expected.count else { return false }
    guard !expected.isEmpty else { return true }
    return received.withUnsafeBytes { a in expected.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
}
