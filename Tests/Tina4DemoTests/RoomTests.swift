import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/room/{room_name}` (chapter §12–13, the exercise and its solution).
    @Suite struct Room {
        @Test func exerciseWalkthrough() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/room/test"
                let ann = try await Client.connect(url)
                #expect(try await ann.receiveObject() == welcome(online: 1))
                let bob = try await Client.connect(url)
                #expect(try await bob.receiveObject() == welcome(online: 2))
                #expect(try await ann.receiveObject() == ["type": "system", "message": "A new user joined", "online": 2])

                // Bob's next message is his rename, so he was not told he joined.
                try await bob.send(#"{"type":"set-name","name":"Bob"}"#)
                for client in [ann, bob] {
                    #expect(try await client.receiveObject() == ["type": "system", "message": "Anonymous changed their name to Bob"])
                }
                try await bob.send(#"{"type":"chat","text":"hi"}"#)
                for client in [ann, bob] {
                    #expect(try await chat(client) == ["type": "chat", "from": "Bob", "text": "hi"])
                }
                // No type means chat.
                try await ann.send(#"{"text":"hello Bob"}"#)
                for client in [ann, bob] {
                    #expect(try await chat(client) == ["type": "chat", "from": "Anonymous", "text": "hello Bob"])
                }

                let users = await MainActor.run { roomUsers }
                #expect(users.values.sorted() == ["Anonymous", "Bob"])
                #expect(users.keys.allSatisfy { $0.hasPrefix("test:") })

                try await bob.close()
                #expect(try await ann.receiveObject() == ["type": "system", "message": "Bob left the room", "online": 1])
                #expect(await MainActor.run { Array(roomUsers.values) } == ["Anonymous"])
                try await ann.close()
                #expect(await MainActor.run { roomUsers.isEmpty })
            }
        }

        @Test func roomsAreSeparateAndABlankNameIsAnError() async throws {
            try await withDemoServer { server in
                let test = try await Client.connect(server.ws + "/ws/room/test")
                _ = try await test.receiveObject()
                let other = try await Client.connect(server.ws + "/ws/room/other")
                var welcome = try await other.receiveObject()
                #expect(welcome.take("online") == 1)
                #expect(welcome["message"]?.string?.hasPrefix("Welcome to room: other.") == true)

                try await other.send(#"{"type":"set-name","name":"  "}"#)
                #expect(try await other.receiveObject() == ["type": "error", "message": #""name" must not be empty"#])
                try await other.send(#"{"type":"set-name","name":"  Zoë  "}"#)
                #expect(try await other.receiveObject() == ["type": "system", "message": "Anonymous changed their name to Zoë"])
                // The test room heard neither the join nor the rename: its next message is its own chat.
                try await test.send(#"{"type":"chat","text":"anyone?"}"#)
                #expect(try await chat(test)["text"] == "anyone?")
            }
        }

        @Test(arguments: ["not json", "[1]", #"{"type":"dance"}"#])
        func invalidMessagesAreAnErrorAndTheSocketStaysOpen(invalid: String) async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/room/errors")
                _ = try await client.receiveObject()
                try await client.send(invalid)
                let error = try await client.receiveObject()
                #expect(error.keys == ["type", "message"])
                #expect(error["type"] == "error")
                try await client.send(#"{"type":"chat","text":"ok"}"#)
                #expect(try await chat(client)["text"] == "ok")
            }
        }

        private func welcome(online: Int) -> JSONObject {
            [
                "type": "system",
                "message": #"Welcome to room: test. Set your name with: {"type": "set-name", "name": "YourName"}"#,
                "online": .number(Double(online)),
            ]
        }

        private func chat(_ client: Client, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
            var message = try await client.receiveObject()
            #expect(Stamp.isRecentISO8601(message.take("timestamp")), sourceLocation: sourceLocation)
            return message
        }
    }
}
