import Glibc
import Testing
@testable import Tina4

/// `TINA4_MAX_CONNECTIONS` and `TINA4_MAX_PER_IP` over real sockets: one connection over a cap is
/// answered 503 and closed, the others are served, and the refusals are logged sparingly.
@Suite(.serialized) struct ConnectionCapTests {
    /// A client socket bound to `source` (any address in 127/8 reaches the server on 127.0.0.1).
    static func connect(port: Int, from source: String) throws -> RawConnection {
        let connection = try RawConnection(port: port)
        guard source != "127.0.0.1" else { return connection }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, size) } }
        guard bound == 0, connected == 0 else {
            close(fd)
            throw TestFailure("cannot connect from \(source): errno \(errno)")
        }
        connection.replaceSocket(with: fd)
        return connection
    }

    /// Sends a GET and returns the first response (or nil).
    static func get(_ connection: RawConnection) throws -> HTTPTestResponse? {
        try connection.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        return connection.readResponses(1).first
    }

    @Test func aConnectionOverTheCapIsAnswered503AndClosedAndTheOthersCarryOn() async throws {
        let lines = LogLines()
        let server = try await MainActor.run {
            try TestServer(configure: { $0.maxConnections = 2 }, log: lines.log(minimum: .info)) { routes, _ in
                routes.get("/x") { _, response in response.text("x") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        try await offMain {
            let first = try RawConnection(port: port), second = try RawConnection(port: port)
            #expect(try Self.get(first)?.body == "x")
            #expect(try Self.get(second)?.body == "x")
            for _ in 0..<5 {   // a small flood
                let third = try RawConnection(port: port)
                let (text, closed) = third.readUntilClosed(timeout: 5)
                #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
                #expect(text.contains("\r\nConnection: close\r\n") && text.contains("\r\nRetry-After: 5\r\n"))
                #expect(text.hasSuffix("Too many connections; try again soon.\n"))
                #expect(closed)
            }
            #expect(try Self.get(first)?.body == "x", "the admitted connections are unaffected")
            first.reset()
        }
        #expect(await server.waitForOpenConnections(atMost: 1, timeout: 5) <= 1)
        try await offMain {
            let again = try RawConnection(port: port)
            #expect(try Self.get(again)?.body == "x", "a freed slot is taken again")
        }
        let refusals = lines.all.filter { $0.contains("2 connections open (TINA4_MAX_CONNECTIONS): refused a connection with 503") }
        #expect(refusals.count == 1, "five refusals within 10 s are one log line")
        #expect(await MainActor.run { server.server.metrics.refusedOverConnectionCap } == 5, "each refusal is counted for /metrics")
    }

    @Test func thePerAddressCapCountsEachAddressAndForgetsItAtZero() async throws {
        let server = try await MainActor.run {
            try TestServer(configure: { $0.maxConnectionsPerAddress = 1 }) { routes, _ in
                routes.get("/x") { _, response in response.text("x") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        try await offMain {
            let mine = try Self.connect(port: port, from: "127.0.0.1")
            #expect(try Self.get(mine)?.body == "x")
            let again = try Self.connect(port: port, from: "127.0.0.1")
            #expect(again.readUntilClosed(timeout: 5).text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
            let other = try Self.connect(port: port, from: "127.0.0.2")
            #expect(try Self.get(other)?.body == "x", "another address has its own count")
            mine.reset()
            other.reset()
        }
        #expect(await server.waitForOpenConnections(atMost: 0, timeout: 5) == 0)
        #expect(await server.server.channels.admission.countedAddresses == 0, "no address is remembered at zero")
        try await offMain {
            let later = try Self.connect(port: port, from: "127.0.0.1")
            #expect(try Self.get(later)?.body == "x")
        }
    }
}
