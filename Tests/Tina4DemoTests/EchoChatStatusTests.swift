import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/echo` and `/ws/mirror` (chapter §3).
    @Suite struct EchoAndMirror {
        @Test func echoPrefixesEveryMessage() async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/echo")
                try await client.send("hi")
                #expect(try await client.receiveText() == "Echo: hi")
                try await client.send("héllo 😀")
                #expect(try await client.receiveText() == "Echo: héllo 😀")
                #expect(try await client.close() == 1000)
            }
        }

        @Test func mirrorReturnsTextAndBinaryVerbatim() async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/mirror")
                try await client.send(#"{"text":"héllo 😀"}"#)
                #expect(try await client.receive() == .text(#"{"text":"héllo 😀"}"#))
                try await client.send(binary: [0, 1, 2, 0x80, 0xFF])
                #expect(try await client.receive() == .binary([0, 1, 2, 0x80, 0xFF]))
                try await client.send("")
                #expect(try await client.receive() == .text(""))
                #expect(try await client.close() == 1000)
            }
        }
    }

    /// Demos that speak text answer a binary message with an error instead of an empty text.
    @Suite struct BinaryToTextDemos {
        @Test(arguments: ["/ws/chat", "/ws/status", "/ws/chat/binary-room"])
        func binaryMessageGetsAnErrorAndTheSocketStaysOpen(path: String) async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + path)
                _ = try await client.receiveObject()   // the welcome / join message
                try await client.send(binary: [1, 2, 3])
                let reply = try await client.receiveObject()
                #expect(reply["type"] == "error")
                #expect(reply["message"]?.string?.contains("binary") == true)
                try await client.send("still open?")
                #expect(try await client.receiveObject()["type"] != "error")
            }
        }
    }

    /// `/ws/chat` (chapter §4, "A Complete Handler").
    @Suite struct Chat {
        @Test func welcomeCarriesAUniqueConnectionID() async throws {
            try await withDemoServer { server in
                let first = try await Client.connect(server.ws + "/ws/chat")
                var welcome = try await first.receiveObject()
                let firstID = try #require(welcome.take("your_id")?.string)
                #expect(welcome == ["type": "system", "message": "Welcome to the chat!"])
                #expect(!firstID.isEmpty)

                let second = try await Client.connect(server.ws + "/ws/chat")
                let secondID = try await second.receiveObject()["your_id"]?.string
                #expect(secondID != nil && secondID != firstID)
            }
        }

        @Test func jsonMessageIsAnsweredToTheSenderWithItsIDAndATimestamp() async throws {
            try await withDemoServer { server in
                let alice = try await Client.connect(server.ws + "/ws/chat")
                let aliceID = try #require(try await alice.receiveObject()["your_id"]?.string)
                let bob = try await Client.connect(server.ws + "/ws/chat")
                let bobID = try #require(try await bob.receiveObject()["your_id"]?.string)

                try await alice.send(#"{"text":"hi"}"#)
                var reply = try await alice.receiveObject()
                #expect(Stamp.isRecentISO8601(reply.take("timestamp")))
                #expect(reply == ["type": "message", "from": .string(aliceID), "text": "hi"])

                // Only the sender is answered: Bob's next message is the answer to his own.
                try await bob.send(#"{"text":"yo"}"#)
                var bobReply = try await bob.receiveObject()
                _ = bobReply.take("timestamp")
                #expect(bobReply == ["type": "message", "from": .string(bobID), "text": "yo"])
            }
        }

        /// The chapter answers with `message.text ?? data`: text that is not a JSON object, or a
        /// JSON object without `text` (or with `"text": null`), is the message itself.
        @Test(arguments: ["just words", "[1,2]", "{not json", "42", #"{"type":"ping"}"#, #"{"text":null,"n":1}"#])
        func textThatIsNotAJSONObjectIsAnsweredAsIs(raw: String) async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/chat")
                let id = try #require(try await client.receiveObject()["your_id"]?.string)
                try await client.send(raw)
                var reply = try await client.receiveObject()
                #expect(Stamp.isRecentISO8601(reply.take("timestamp")))
                #expect(reply == ["type": "message", "from": .string(id), "text": .string(raw)])
                // Still open.
                try await client.send(#"{"text":"again"}"#)
                #expect(try await client.receiveObject()["text"] == "again")
            }
        }
    }

    /// `/ws/status` (chapter §6, "Sending JSON").
    @Suite struct Status {
        @Test func welcomeThenAnAckOfEachMessageVerbatim() async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/status")
                var welcome = try await client.receiveObject()
                let id = try #require(welcome.take("connection_id")?.string)
                #expect(!id.isEmpty)
                #expect(welcome == ["type": "welcome"])
                for message in ["hello", #"{"a":1}"#, "not json", ""] {
                    try await client.send(message)
                    #expect(try await client.receiveObject() == ["type": "ack", "received": .string(message)])
                }
                #expect(try await client.close() == 1000)
            }
        }
    }
}
