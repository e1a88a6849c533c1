import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/announcements` (chapter §6, "Broadcasting to All Clients").
    @Suite struct Announcements {
        @Test func joinsAnnouncementsAndLeavesReachEveryone() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/announcements"
                let first = try await Client.connect(url)
                #expect(try await first.receiveObject() == joined(1))
                let second = try await Client.connect(url)
                #expect(try await first.receiveObject() == joined(2))
                #expect(try await second.receiveObject() == joined(2))

                try await first.send(#"{"text":"Hello"}"#)
                let firstID = try await expectAnnouncement(to: [first, second], text: "Hello")
                // No text: an error to the second client only, not an empty announcement to everyone.
                try await second.send(#"{"other":true}"#)
                #expect(try await second.receiveObject() == ["type": "error", "message": #"missing field "text""#])
                try await second.send(#"{"text":"World"}"#)
                let secondID = try await expectAnnouncement(to: [first, second], text: "World")
                #expect(firstID != secondID)

                try await second.close()
                #expect(try await first.receiveObject() == ["type": "system", "message": "A user left", "online_count": 1])
            }
        }

        @Test(arguments: ["not json", "[1]", "42"])
        func badJSONIsAnErrorToTheSenderOnly(message: String) async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/announcements"
                let sender = try await Client.connect(url)
                _ = try await sender.receiveObject()
                let other = try await Client.connect(url)
                _ = try await sender.receiveObject()
                _ = try await other.receiveObject()

                try await sender.send(message)
                let error = try await sender.receiveObject()
                #expect(error.keys == ["type", "message"])
                #expect(error["type"] == "error")
                // The other client's next message is the announcement that follows, not the error;
                // and the sender's socket is still open to send it.
                try await sender.send(#"{"text":"after"}"#)
                _ = try await expectAnnouncement(to: [other, sender], text: "after")
            }
        }

        private func joined(_ count: Int) -> JSONObject {
            ["type": "system", "message": "A new user joined", "online_count": .number(Double(count))]
        }

        /// Every client receives the same announcement of `text`; returns its `from`.
        private func expectAnnouncement(to clients: [Client], text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
            var senders: Set<String> = []
            for client in clients {
                var message = try await client.receiveObject()
                #expect(Stamp.isRecentISO8601(message.take("timestamp")), sourceLocation: sourceLocation)
                let from = message.take("from")?.string
                #expect(from != nil && !from!.isEmpty, sourceLocation: sourceLocation)
                senders.insert(from ?? "")
                #expect(message == ["type": "announcement", "text": .string(text)], sourceLocation: sourceLocation)
            }
            #expect(senders.count == 1, "one announcement, one sender", sourceLocation: sourceLocation)
            return senders.first
        }
    }

    /// `/ws/chat/{room}` (chapter §7, path-scoped isolation).
    @Suite struct ChatRooms {
        @Test func roomsAreIsolatedAndEveryoneInARoomSeesItsMessages() async throws {
            try await withDemoServer { server in
                var general: [Client] = []
                for count in 1...3 {
                    general.append(try await Client.connect(server.ws + "/ws/chat/general"))
                    for client in general {
                        #expect(try await client.receiveObject() == system("Someone joined room general", room: "general", online: count))
                    }
                }
                let dev = try await Client.connect(server.ws + "/ws/chat/dev")
                #expect(try await dev.receiveObject() == system("Someone joined room dev", room: "dev", online: 1))

                try await general[1].send(#"{"username":"ann","text":"hi"}"#)
                for client in general {
                    #expect(try await messageWithoutTimestamp(client) == ["type": "message", "room": "general", "from": "ann", "text": "hi"])
                }
                try await dev.send(#"{"text":"dev only"}"#)
                #expect(try await messageWithoutTimestamp(dev) == ["type": "message", "room": "dev", "from": "Anonymous", "text": "dev only"])

                // The next thing the general room hears is a leave, not the dev message; dev hears nothing of it.
                try await general[2].close()
                for client in general[..<2] {
                    #expect(try await client.receiveObject() == system("Someone left room general", room: "general", online: 2))
                }
                try await dev.send(#"{"text":"still alone"}"#)
                #expect(try await messageWithoutTimestamp(dev)["text"] == "still alone")
            }
        }

        @Test func nonJSONIsRelayedAsTextAndTheSocketStaysOpen() async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/chat/random")
                _ = try await client.receiveObject()
                try await client.send("plain words")
                #expect(try await messageWithoutTimestamp(client) == ["type": "message", "room": "random", "from": "Anonymous", "text": "plain words"])
                try await client.send(#"{"text":"json again"}"#)
                #expect(try await messageWithoutTimestamp(client)["text"] == "json again")
            }
        }

        private func system(_ message: String, room: String, online: Int) -> JSONObject {
            ["type": "system", "message": .string(message), "room": .string(room), "online": .number(Double(online))]
        }

        private func messageWithoutTimestamp(_ client: Client, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
            var message = try await client.receiveObject()
            #expect(Stamp.isRecentISO8601(message.take("timestamp")), sourceLocation: sourceLocation)
            return message
        }
    }
}
