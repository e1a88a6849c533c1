import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/livechat/{room}` (chapter §8, "Building a Live Chat").
    @Suite struct LiveChat {
        @Test func conversationWithNamesTypingAndLeaving() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/lobby"
                let alice = try await Client.connect(url)
                let aliceID = try await welcome(alice, room: "lobby", online: 1)
                let bob = try await Client.connect(url)
                let bobID = try await welcome(bob, room: "lobby", online: 2)
                #expect(aliceID != bobID)

                try await alice.send(#"{"type":"set-username","username":"Alice"}"#)
                for client in [alice, bob] {
                    #expect(try await client.receiveObject() == ["type": "system", "message": "Anonymous is now known as Alice", "online": 2])
                }
                try await alice.send(#"{"type":"message","text":"hello"}"#)
                for client in [alice, bob] {
                    #expect(try await message(client) == ["type": "message", "from": "Alice", "from_id": .string(aliceID), "text": "hello"])
                }
                // No type means a message.
                try await bob.send(#"{"text":"no type"}"#)
                for client in [alice, bob] {
                    #expect(try await message(client) == ["type": "message", "from": "Anonymous", "from_id": .string(bobID), "text": "no type"])
                }

                // Typing reaches the others, not the typist: Alice's next message is Bob's reply.
                try await alice.send(#"{"type":"typing"}"#)
                #expect(try await bob.receiveObject() == ["type": "typing", "username": "Alice"])
                try await bob.send(#"{"type":"message","text":"I saw you typing"}"#)
                #expect(try await message(alice)["text"] == "I saw you typing")
                #expect(try await message(bob)["text"] == "I saw you typing")

                let users = await MainActor.run { chatUsers }
                #expect(users[aliceID]?.username == "Alice" && users[aliceID]?.room == "lobby")
                #expect(users[bobID]?.username == "Anonymous" && users[bobID]?.room == "lobby")

                try await alice.close()
                #expect(try await bob.receiveObject() == ["type": "system", "message": "Alice left the chat", "left": "Alice", "online": 1])
                #expect(await MainActor.run { Array(chatUsers.keys) } == [bobID])
                // Bob's close returns once the server echoed it, after running the close handler.
                try await bob.close()
                #expect(await MainActor.run { chatUsers.isEmpty })
            }
        }

        @Test(arguments: [
            #"{"type":"set-username"}"#, #"{"type":"set-username","username":""}"#,
            #"{"type":"set-username","username":"   "}"#, #"{"type":"set-username","username":5}"#,
            #"{"type":"dance"}"#, "not json", "[]",
        ])
        func invalidMessagesAreAnErrorToTheSenderOnly(invalid: String) async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/errors"
                let sender = try await Client.connect(url)
                _ = try await welcome(sender, room: "errors", online: 1)
                let other = try await Client.connect(url)
                _ = try await welcome(other, room: "errors", online: 2)

                try await sender.send(invalid)
                let error = try await sender.receiveObject()
                #expect(error.keys == ["type", "message"])
                #expect(error["type"] == "error")
                // Still open, still Anonymous; the other client's next message is this one.
                try await sender.send(#"{"type":"message","text":"fine"}"#)
                for client in [other, sender] {
                    #expect(try await message(client)["from"] == "Anonymous")
                }
            }
        }

        /// Gotcha 6: connecting and disconnecting many times leaves no users behind, whether the
        /// clients close properly or just drop the connection.
        @Test func usersAreForgottenWhenTheyLeave() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/churn"
                let observer = try await Client.connect(url)
                let observerID = try await welcome(observer, room: "churn", online: 1)
                for round in 0..<20 {
                    let visitor = try await Client.connect(url)
                    _ = try await welcome(visitor, room: "churn", online: 2)
                    try await visitor.send(#"{"type":"set-username","username":"visitor \#(round)"}"#)
                    _ = try await visitor.receiveObject()
                    _ = try await observer.receiveObject()
                    if round.isMultiple(of: 2) { try await visitor.close() } else { try await visitor.disconnect() }
                    #expect(try await observer.receiveObject() == ["type": "system", "message": "visitor \(round) left the chat", "left": .string("visitor \(round)"), "online": 1])
                }
                #expect(await MainActor.run { Array(chatUsers.keys) } == [observerID])
                try await observer.close()
                #expect(await MainActor.run { chatUsers.isEmpty })
            }
        }

        /// The welcome, checked; returns `your_id`.
        private func welcome(_ client: Client, room: String, online: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            var welcome = try await client.receiveObject()
            let id = try #require(welcome.take("your_id")?.string, sourceLocation: sourceLocation)
            #expect(!id.isEmpty, sourceLocation: sourceLocation)
            #expect(welcome == ["type": "welcome", "message": .string("Connected to room: \(room)"), "online": .number(Double(online))],
                    sourceLocation: sourceLocation)
            return id
        }

        private func message(_ client: Client, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
            var message = try await client.receiveObject()
            #expect(Stamp.isRecentISO8601(message.take("timestamp")), sourceLocation: sourceLocation)
            return message
        }
    }
}
