import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/private` (chapter §5, "Sending to a Single Client").
    @Suite struct Private {
        @Test func getTimeAnswersOnlyTheSender() async throws {
            try await withDemoServer { server in
                let asker = try await Client.connect(server.ws + "/ws/private")
                let bystander = try await Client.connect(server.ws + "/ws/private")
                try await asker.send(#"{"action":"get-time"}"#)
                var reply = try await asker.receiveObject()
                #expect(Stamp.isRecentISO8601(reply.take("server_time")))
                #expect(reply == ["type": "time"])

                // The bystander got nothing: its next message answers its own request.
                try await bystander.send(#"{"action":"get-status"}"#)
                #expect(try await bystander.receiveObject()["type"] == "status")
            }
        }

        @Test func getStatusReportsUptimeMemoryAndEveryOpenWebSocket() async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/private")
                var status = try await self.status(client)
                #expect(status.keys.sorted() == ["connections", "memory_mb", "type", "uptime"])
                #expect(status["type"] == "status")
                let uptime = try #require(status["uptime"]?.double)
                #expect(uptime >= 0 && uptime == uptime.rounded())
                #expect((status["memory_mb"]?.double ?? 0) > 0)
                #expect(status["connections"] == 1)

                // Two sockets on other paths (their greeting proves the server registered them).
                let other = try await Client.connect(server.ws + "/ws/status")
                _ = try await other.receiveObject()
                let another = try await Client.connect(server.ws + "/ws/chat")
                _ = try await another.receiveObject()
                status = try await self.status(client)
                #expect(status["connections"] == 3)

                // A close returns once the server echoed it, which it does after leaving the hub.
                try await other.close()
                try await another.close()
                #expect(try await self.status(client)["connections"] == 1)
            }
        }

        /// Memory is this process's resident set (the server runs in the test process), and uptime
        /// counts from the server's start.
        @Test func getStatusIsTheRealUptimeAndResidentMemory() async throws {
            try await withDemoServer { server in
                let started = await MainActor.run { () -> Double in
                    Demos.startedAt = MonotonicClock.seconds()   // as registering the demos at start-up does
                    return Demos.startedAt
                }
                let client = try await Client.connect(server.ws + "/ws/private")
                let status = try await self.status(client)
                let elapsed = MonotonicClock.seconds() - started
                let uptime = try #require(status["uptime"]?.int)
                #expect(uptime >= 0 && Double(uptime) <= elapsed + 1)

                let reported = try #require(status["memory_mb"]?.double)
                let measured = try #require(Self.residentMegabytesFromStatm())
                #expect(abs(reported - measured) <= max(16, measured * 0.2), "reported \(reported) MiB, /proc/self/statm says \(measured) MiB")
                #expect(reported == (reported * 100).rounded() / 100, "two decimals")
            }
        }

        @Test func uptimeIsTheWholeSecondsOnTheClockSinceTheStart() async throws {
            let saved = await MainActor.run { (Demos.startedAt, Demos.clock) }
            await MainActor.run {
                Demos.startedAt = 1_000
                Demos.clock = { 1_000 }
            }
            do {
                try await withDemoServer { server in
                    let client = try await Client.connect(server.ws + "/ws/private")
                    #expect(try await self.status(client)["uptime"] == 0)
                    await MainActor.run { Demos.clock = { 1_042.9 } }
                    #expect(try await self.status(client)["uptime"] == 42)
                    await MainActor.run { Demos.clock = { 1_000 + 86_400 * 3 + 0.5 } }
                    #expect(try await self.status(client)["uptime"] == 259_200)
                }
            } catch {
                await MainActor.run { (Demos.startedAt, Demos.clock) = saved }
                throw error
            }
            await MainActor.run { (Demos.startedAt, Demos.clock) = saved }
        }

        /// Resident set size in MiB, read independently of the demo's own reader.
        static func residentMegabytesFromStatm() -> Double? {
            guard let text = EmbeddedAssetsTests.read("/proc/self/statm") else { return nil }
            let fields = text.split(separator: " ")
            guard fields.count >= 2, let pages = Double(fields[1]) else { return nil }
            return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
        }

        @Test(arguments: ["not json", "[1,2]", #""get-time""#, "{}", #"{"action":"dance"}"#, #"{"action":7}"#])
        func anythingElseIsAnErrorAndTheSocketStaysOpen(message: String) async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/private")
                try await client.send(message)
                let error = try await client.receiveObject()
                #expect(error.keys == ["type", "message"])
                #expect(error["type"] == "error")
                #expect(error["message"]?.string?.isEmpty == false)
                try await client.send(#"{"action":"get-time"}"#)
                #expect(try await client.receiveObject()["type"] == "time")
            }
        }

        private func status(_ client: Client) async throws -> JSONObject {
            try await client.send(#"{"action":"get-status"}"#)
            return try await client.receiveObject()
        }
    }
}
