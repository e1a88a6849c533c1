import Testing
@testable import Tina4
import Tina4TestSupport

/// A log line is one line of bounded length whatever a client sent (issue 10: a path parameter
/// with `%0a` wrote fake log lines, and demos logged whole 1 MiB messages).
@Suite struct LogTests {
    static func line(_ message: String) -> String {
        let lines = LogLines()
        lines.log().info(message)
        return lines.all.first ?? ""
    }

    @Test func controlCharactersAreEscaped() {
        let line = Self.line("[ws] /ws/chat/a\n2026-01-01 00:00:00 ERROR forged\r\t\u{1B}[31m\u{7F}\u{85}\u{2028}")
        #expect(line.hasSuffix(#"INFO [ws] /ws/chat/a\n2026-01-01 00:00:00 ERROR forged\r\t\u{1B}[31m\u{7F}\u{85}\u{2028}"#))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(Self.line("plain é 😀 text") .hasSuffix("INFO plain é 😀 text"))
    }

    @Test func longMessagesAreCut() {
        let message = String(repeating: "é", count: 1 << 19)   // 1 MiB
        let line = Self.line(message)
        let kept = Log.maxMessageBytes / 2
        #expect(line.hasSuffix(String(repeating: "é", count: kept) + "… (\((1 << 20) - Log.maxMessageBytes) more bytes)"))
        #expect(line.utf8.count < Log.maxMessageBytes + 64)
        let exact = String(repeating: "a", count: Log.maxMessageBytes)
        #expect(Self.line(exact).hasSuffix(" INFO " + exact))
        // An escape is not split by the cut.
        let escapes = String(repeating: "\n", count: Log.maxMessageBytes)
        #expect(Self.line(escapes).hasSuffix(String(repeating: #"\n"#, count: Log.maxMessageBytes / 2) + "… (\(Log.maxMessageBytes / 2) more bytes)"))
    }

    @Test func aForgedLineInAPathStaysInsideItsOwnLine() async throws {
        let lines = LogLines()
        let server = try await MainActor.run {
            try TestServer(log: lines.log(minimum: .error)) { routes, _ in
                routes.get("/fail/{name}") { _, _ in throw TestFailure("boom") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        _ = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /fail/x%0a2026-01-01%2000:00:00%20ERROR%20forged HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readResponses(1)
        }
        let logged = lines.all.filter { $0.contains("handler error") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains(#"/fail/x\n2026-01-01 00:00:00 ERROR forged"#) == true, "\(lines.all)")
    }
}
