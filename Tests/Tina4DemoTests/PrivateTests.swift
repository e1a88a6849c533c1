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
