import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/notifications` (chapter §4, "Connection Events"): welcome, ping → pong.
    @Suite struct ConnectionEvents {
        @Test func welcomeCarriesTheConnectionIDAndPingIsAnsweredWithPong() async throws {
            try await withDemoServer { server in
                let first = try await Client.connect(server.ws + "/ws/notifications")
                var welcome = try await first.receiveObject()
                let firstID = try #require(welcome.take("connection_id")?.string)
                #expect(welcome == ["type": "welcome", "message": "Connected to notifications"])
                #expect(firstID.count == 15)
                let second = try await Client.connect(server.ws + "/ws/notifications")
                let secondID = try await second.receiveObject()["connection_id"]?.string
                #expect(secondID != nil && secondID != firstID)

                try await first.send(#"{"type":"ping"}"#)
                var pong = try await first.receiveObject()
                #expect(Stamp.isRecentISO8601(pong.take("timestamp")))
                #expect(pong == ["type": "pong"])
                // Only the sender is answered: the second client's next message is its own pong.
                try await second.send(#"{"type":"ping","extra":1}"#)
                #expect(try await second.receiveObject()["type"] == "pong")
                #expect(try await first.close() == 1000)
            }
        }

        /// `/ws/notifications` and `/ws/notifications/{user_id}` are different paths: a shipping
        /// push reaches the user's listener only, and the user route never answers pings.
        @Test func doesNotCollideWithTheUserNotificationsRoute() async throws {
            try await withDemoServer { server in
                let events = try await Client.connect(server.ws + "/ws/notifications")
                #expect(try await events.receiveObject()["type"] == "welcome")
                let trailingSlash = try await Client.connect(server.ws + "/ws/notifications/")
                #expect(try await trailingSlash.receiveObject()["type"] == "welcome")
                let user = try await Client.connect(server.ws + "/ws/notifications/7")
                #expect(try await user.receiveObject() == ["type": "connected", "message": "Listening for notifications"])

                let reply = try await request(server, "POST", "/api/orders/3/ship", body: #"{"user_id": 7}"#)
                #expect(try reply.object()["delivered"] == 1)
                #expect(try await user.receiveObject()["type"] == "notification")
                // The §4 sockets' next message is their own pong, not the push.
                for client in [events, trailingSlash] {
                    try await client.send(#"{"type":"ping"}"#)
                    #expect(try await client.receiveObject()["type"] == "pong")
                }
                try await user.send(#"{"type":"ping"}"#)
                #expect(try await user.receiveObject() == ["type": "error", "message": "unknown message type 'ping'; use mark-read"])
            }
        }
    }

    /// `/ws/relay` (chapter §6, "Broadcast Excluding Sender").
    @Suite struct Relay {
        @Test func senderGetsSentAndEveryoneElseGetsTheMessage() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/relay"
                let ann = try await Client.connect(url)
                let bob = try await Client.connect(url)
                let cy = try await Client.connect(url)
                let elsewhere = try await Client.connect(server.ws + "/ws/announcements")
                _ = try await elsewhere.receiveObject()

                try await ann.send(#"{"username":"Ann","text":"hi all"}"#)
                #expect(try await ann.receiveObject() == ["type": "sent", "text": "hi all"])
                for client in [bob, cy] {
                    var message = try await client.receiveObject()
                    #expect(Stamp.isRecentISO8601(message.take("timestamp")))
                    #expect(message == ["type": "message", "from": "Ann", "text": "hi all"])
                }
                // Without a username the others see Anonymous; Ann's next message is not her own
                // "message" from before but the one Bob sends now.
                try await bob.send(#"{"text":"hello"}"#)
                #expect(try await bob.receiveObject() == ["type": "sent", "text": "hello"])
                for client in [ann, cy] {
                    var message = try await client.receiveObject()
                    _ = message.take("timestamp")
                    #expect(message == ["type": "message", "from": "Anonymous", "text": "hello"])
                }
                // Other paths hear nothing: the announcements socket's next message is its own.
                try await elsewhere.send(#"{"text":"mine"}"#)
                #expect(try await elsewhere.receiveObject()["text"] == "mine")
            }
        }

        @Test func aLoneSenderIsStillConfirmed() async throws {
            try await withDemoServer { server in
                let alone = try await Client.connect(server.ws + "/ws/relay")
                try await alone.send(#"{"text":"anyone?"}"#)
                #expect(try await alone.receiveObject() == ["type": "sent", "text": "anyone?"])
                try await alone.send(#"{"text":"still me"}"#)
                #expect(try await alone.receiveObject() == ["type": "sent", "text": "still me"])
            }
        }
    }
}
