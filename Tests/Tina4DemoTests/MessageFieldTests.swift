import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// A missing, mistyped or empty field, an unknown type, or text that is not JSON where JSON is
    /// needed: the sender alone gets `{"type":"error","message":…}` naming the problem, nobody
    /// else on the path hears anything, and the sender's connection keeps working.
    @Suite struct MessageFields {
        /// How one demo behaves around the bad message.
        struct Demo: Sendable {
            /// Messages the first and the second client receive once both are connected.
            var greetings: (first: Int, second: Int)
            /// After the error: proves the sender still works and the other client heard nothing.
            var followUp: @Sendable (DemoServer, _ sender: Client, _ other: Client) async throws -> Void
        }

        static let demos: [String: Demo] = [
            "/ws/chat": Demo(greetings: (1, 1), followUp: reply(#"{"text":"ok"}"#, type: "message")),
            "/ws/private": Demo(greetings: (0, 0), followUp: reply(#"{"action":"get-time"}"#, type: "time")),
            "/ws/notifications": Demo(greetings: (1, 1), followUp: reply(#"{"type":"ping"}"#, type: "pong")),
            "/ws/announcements": Demo(greetings: (2, 1), followUp: broadcast(#"{"text":"ok"}"#, type: "announcement")),
            "/ws/relay": Demo(greetings: (0, 0), followUp: broadcast(#"{"text":"ok"}"#, type: "message", senderType: "sent")),
            "/ws/chat/fields": Demo(greetings: (2, 1), followUp: broadcast(#"{"text":"ok"}"#, type: "message")),
            "/ws/livechat/fields": Demo(greetings: (1, 1), followUp: broadcast(#"{"type":"message","text":"ok"}"#, type: "message")),
            "/ws/room/fields": Demo(greetings: (2, 1), followUp: broadcast(#"{"type":"chat","text":"ok"}"#, type: "chat")),
            "/ws/notifications/5": Demo(greetings: (1, 1)) { server, sender, other in
                // mark-read is answered with nothing; the next thing both hear is the push.
                try await sender.send(#"{"type":"mark-read","id":1}"#)
                _ = try await request(server, "POST", "/api/orders/77/ship", body: #"{"user_id": 5}"#)
                #expect(try await sender.receiveObject()["type"] == "notification")
                #expect(try await other.receiveObject()["type"] == "notification")
            },
            "/ws/project/42": Demo(greetings: (1, 1)) { server, sender, other in
                _ = try await request(server, "POST", "/api/projects/42/tasks/complete", body: #"{"task":"after"}"#)
                #expect(try await sender.receiveObject() == ["type": "task_completed", "task": "after"])
                #expect(try await other.receiveObject() == ["type": "task_completed", "task": "after"])
                try await sender.send("again")
                #expect(try await sender.receiveObject()["type"] == "error")
            },
        ]

        static let cases: [(path: String, message: String, error: String)] = [
            ("/ws/chat", #"{"text":1}"#, #""text" must be a string, not a number"#),
            ("/ws/chat", #"{"text":""}"#, #""text" must not be empty"#),
            ("/ws/chat", "", "the message must not be empty"),
            ("/ws/chat", " \t", "the message must not be empty"),

            ("/ws/private", "{}", #"missing field "action""#),
            ("/ws/private", #"{"action":7}"#, #""action" must be a string, not a number"#),
            ("/ws/private", #"{"action":""}"#, #""action" must not be empty"#),
            ("/ws/private", #"{"action":"dance"}"#, "unknown action 'dance'; use get-time or get-status"),
            ("/ws/private", "not json", #"expected JSON such as {"action": "get-time"}"#),

            ("/ws/notifications", "{}", #"missing field "type""#),
            ("/ws/notifications", #"{"type":"pong"}"#, "unknown message type 'pong'; use ping"),
            ("/ws/notifications", "ping", #"expected JSON such as {"type": "ping"}"#),

            ("/ws/announcements", "{}", #"missing field "text""#),
            ("/ws/announcements", #"{"text":null}"#, #"missing field "text""#),
            ("/ws/announcements", #"{"text":""}"#, #""text" must not be empty"#),
            ("/ws/announcements", #"{"text":42}"#, #""text" must be a string, not a number"#),

            ("/ws/relay", "{}", #"missing field "text""#),
            ("/ws/relay", #"{"text":"  "}"#, #""text" must not be empty"#),
            ("/ws/relay", #"{"username":3,"text":"hi"}"#, #""username" must be a string, not a number"#),
            ("/ws/relay", "hi", #"expected JSON such as {"username": "Ann", "text": "hi"}"#),

            ("/ws/chat/fields", "{}", #"missing field "text""#),
            ("/ws/chat/fields", #"{"username":"Ann"}"#, #"missing field "text""#),
            ("/ws/chat/fields", #"{"text":""}"#, #""text" must not be empty"#),
            ("/ws/chat/fields", #"{"text":{"a":1}}"#, #""text" must be a string, not an object"#),
            ("/ws/chat/fields", #"{"username":5,"text":"hi"}"#, #""username" must be a string, not a number"#),
            ("/ws/chat/fields", "", "the message must not be empty"),

            ("/ws/livechat/fields", #"{"type":"message"}"#, #"missing field "text""#),
            ("/ws/livechat/fields", "{}", #"missing field "text""#),
            ("/ws/livechat/fields", #"{"type":"message","text":5}"#, #""text" must be a string, not a number"#),
            ("/ws/livechat/fields", #"{"type":"message","text":""}"#, #""text" must not be empty"#),
            ("/ws/livechat/fields", #"{"type":7}"#, #""type" must be a string, not a number"#),
            ("/ws/livechat/fields", #"{"type":"dance"}"#, "unknown message type 'dance'; use set-username, message or typing"),
            ("/ws/livechat/fields", #"{"type":"set-username"}"#, #"missing field "username""#),
            ("/ws/livechat/fields", #"{"type":"set-username","username":5}"#, #""username" must be a string, not a number"#),
            ("/ws/livechat/fields", #"{"type":"set-username","username":"   "}"#, #""username" must not be empty"#),
            ("/ws/livechat/fields", "[]", #"messages must be JSON objects such as {"type": "message", "text": "hi"}"#),

            ("/ws/room/fields", #"{"type":"chat"}"#, #"missing field "text""#),
            ("/ws/room/fields", "{}", #"missing field "text""#),
            ("/ws/room/fields", #"{"type":"chat","text":[1]}"#, #""text" must be a string, not an array"#),
            ("/ws/room/fields", #"{"type":"chat","text":""}"#, #""text" must not be empty"#),
            ("/ws/room/fields", #"{"type":"set-name"}"#, #"missing field "name""#),
            ("/ws/room/fields", #"{"type":"set-name","name":true}"#, #""name" must be a string, not a boolean"#),
            ("/ws/room/fields", #"{"type":"set-name","name":"  "}"#, #""name" must not be empty"#),
            ("/ws/room/fields", #"{"type":"dance"}"#, "unknown message type 'dance'; use set-name or chat"),
            ("/ws/room/fields", "not json", #"messages must be JSON objects such as {"type": "chat", "text": "hi"}"#),

            ("/ws/notifications/5", "{}", #"missing field "type""#),
            ("/ws/notifications/5", #"{"type":"mark-read"}"#, #"mark-read needs the notification's "id", a number or a string"#),
            ("/ws/notifications/5", #"{"type":"mark-read","id":[1]}"#, #"mark-read needs the notification's "id", a number or a string"#),
            ("/ws/notifications/5", #"{"type":"dance"}"#, "unknown message type 'dance'; use mark-read"),

            ("/ws/project/42", #"{"type":"ping"}"#, "/ws/project/42 only pushes to you; complete a task with POST /api/projects/42/tasks/complete"),
        ]

        @Test(arguments: cases)
        func badMessageIsASpecificErrorToTheSenderOnly(path: String, message: String, error: String) async throws {
            let demo = try #require(Self.demos[path])
            try await withDemoServer { server in
                let sender = try await Client.connect(server.ws + path)
                for _ in 0..<demo.greetings.first - demo.greetings.second { _ = try await sender.receiveObject() }
                let other = try await Client.connect(server.ws + path)
                for _ in 0..<demo.greetings.second {
                    _ = try await sender.receiveObject()
                    _ = try await other.receiveObject()
                }
                try await sender.send(message)
                #expect(try await sender.receiveObject() == ["type": "error", "message": .string(error)])
                try await demo.followUp(server, sender, other)
            }
        }

        @Test func everyDemoWithMessagesIsCovered() async {
            let covered = Set(Self.cases.map(\.path))
            #expect(covered == Set(Self.demos.keys))
            #expect(covered.count == 10)
        }

        /// The sender gets an answer and so does the other client to its own message: had the
        /// error reached the other, it would come first.
        static func reply(_ valid: String, type: String) -> @Sendable (DemoServer, Client, Client) async throws -> Void {
            { _, sender, other in
                try await sender.send(valid)
                #expect(try await sender.receiveObject()["type"] == .string(type))
                try await other.send(valid)
                #expect(try await other.receiveObject()["type"] == .string(type))
            }
        }

        /// The sender's next message reaches both: the other's next message is it, not an error.
        static func broadcast(_ valid: String, type: String, senderType: String? = nil) -> @Sendable (DemoServer, Client, Client) async throws -> Void {
            { _, sender, other in
                try await sender.send(valid)
                #expect(try await other.receiveObject()["type"] == .string(type))
                #expect(try await sender.receiveObject()["type"] == .string(senderType ?? type))
            }
        }
    }
}
