import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// Every field a demo passes on to others is capped in UTF-8 bytes, so one message cannot
    /// make the server repeat a megabyte to every member of a room (``FieldLimits``).
    @Suite struct FieldLimit {
        /// "e" and 500,000 combining acute accents: one character, 1,000,001 bytes.
        static let giantCluster = "e" + String(repeating: "\u{301}", count: 500_000)

        @Test func cappingCutsAtCharacterBoundariesAndKeepsShortTextWhole() {
            #expect("Alice".cappedToUTF8Bytes(64) == "Alice")
            #expect("héllo".cappedToUTF8Bytes(2) == "h")          // é is two bytes: not split
            #expect("héllo".cappedToUTF8Bytes(3) == "hé")
            #expect("ab\u{1F468}\u{200D}\u{1F469}".cappedToUTF8Bytes(8) == "ab")   // the family emoji is not split
            #expect(Self.giantCluster.count == 1)
            let capped = Self.giantCluster.cappedToUTF8Bytes(FieldLimits.nameBytes)
            #expect(capped.utf8.count == 63 && capped.unicodeScalars.first == "e")              // 1 + 31 × 2 bytes
            #expect(("x" + Self.giantCluster).cappedToUTF8Bytes(64) == "x")
        }

        /// A megabyte-long single-character username reaches the others as at most 64 bytes, in
        /// the rename announcement, each typing event and each message.
        @Test func aMegabyteUsernameReachesOthersCapped() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/amplified"
                let attacker = try await Client.connect(url)
                _ = try await attacker.receiveObject()
                let member = try await Client.connect(url)
                _ = try await member.receiveObject()
                let rename = JSON(["type": "set-username", "username": .string(Self.giantCluster)]).serialized()
                #expect(rename.utf8.count < 1 << 20)
                try await attacker.send(rename)
                let announced = try await member.receiveObject()
                #expect(announced["message"]?.string?.utf8.count ?? .max <= "Anonymous is now known as ".utf8.count + FieldLimits.nameBytes)
                try await attacker.send(#"{"type":"typing"}"#)
                let typing = try await member.receiveObject()
                #expect(typing["type"] == "typing")
                #expect((typing["username"]?.string?.utf8.count ?? .max) <= FieldLimits.nameBytes)
                try await attacker.send(JSON(["type": "message", "text": .string(String(repeating: "z", count: 100_000))]).serialized())
                _ = try await attacker.receiveObject()   // the rename, then the sender's own copy
                let message = try await member.receiveObject()
                #expect(message["text"]?.string?.utf8.count == FieldLimits.textBytes)
                #expect((message["from"]?.string?.utf8.count ?? .max) <= FieldLimits.nameBytes)
            }
        }

        /// The other demos that pass names and texts on: rooms, the exercise room, relay,
        /// announcements.
        @Test(arguments: [
            ("/ws/chat/capped", #"{"username": NAME, "text": TEXT}"#, "from", "text"),
            ("/ws/relay", #"{"username": NAME, "text": TEXT}"#, "from", "text"),
            ("/ws/announcements", #"{"text": TEXT}"#, nil, "text"),
            ("/ws/room/capped", #"{"type": "chat", "text": TEXT}"#, nil, "text"),
        ] as [(String, String, String?, String)])
        func relayedFieldsAreCapped(path: String, template: String, nameField: String?, textField: String) async throws {
            try await withDemoServer { server in
                let sender = try await Client.connect(server.ws + path)
                let receiver = try await Client.connect(server.ws + path)
                let name = JSON.string(Self.giantCluster).serialized()
                let text = JSON.string(String(repeating: "\u{E9}", count: 20_000)).serialized()   // 40,000 bytes
                try await sender.send(template.replacing("NAME", with: name).replacing("TEXT", with: text))
                var relayed: JSONObject = [:]
                for _ in 0..<4 {   // join announcements may come first
                    relayed = try await receiver.receiveObject()
                    if relayed[textField] != nil { break }
                }
                let relayedText = try #require(relayed[textField]?.string)
                #expect(relayedText.utf8.count <= FieldLimits.textBytes && relayedText.utf8.count > FieldLimits.textBytes - 2)
                if let nameField { #expect((relayed[nameField]?.string?.utf8.count ?? .max) <= FieldLimits.nameBytes) }
            }
        }

        @Test func theExerciseRoomCapsDisplayNames() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/room/names"
                let sender = try await Client.connect(url)
                _ = try await sender.receiveObject()
                let receiver = try await Client.connect(url)
                _ = try await receiver.receiveObject()
                _ = try await sender.receiveObject()   // "A new user joined"
                try await sender.send(JSON(["type": "set-name", "name": .string(Self.giantCluster)]).serialized())
                let renamed = try await receiver.receiveObject()
                #expect((renamed["message"]?.string?.utf8.count ?? .max) <= "Anonymous changed their name to ".utf8.count + FieldLimits.nameBytes)
            }
        }
    }
}
