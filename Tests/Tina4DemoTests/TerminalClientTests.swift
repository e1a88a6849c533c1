import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `tina4 send` with several messages, `tina4 chat`, and one-line handshake refusals, run as
    /// child processes against an in-process server.
    @Suite struct TerminalClient {
        @Test func sendSendsEveryMessageInOrderOnOneConnection() async throws {
            try await withDemoServer { server in
                let (output, exit) = try await offMain { () -> (String?, Int32?) in
                    let send = try Subprocess(["send", server.ws + "/ws/chat", "one", #"{"text":"two"}"#, "three", "--wait", "0.5"])
                    let output = send.readOutputToEnd()
                    return (output, output == nil ? nil : send.waitForExit())
                }
                #expect(exit == 0)
                let lines = try #require(output).split(separator: "\n").map { try JSON.parse(String($0)) }
                #expect(lines.count == 4)
                let id = try #require(lines.first?["your_id"]?.string)
                #expect(lines.dropFirst().map { $0["text"]?.string } == ["one", "two", "three"])
                #expect(lines.dropFirst().allSatisfy { $0["from"]?.string == id }, "one connection: the same id throughout")
            }
        }

        @Test(arguments: ["send", "listen", "chat"])
        func handshakeRefusalIsOneLine(command: String) async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/nope"
                let (output, errors, exit) = try await offMain { () -> (String?, String?, Int32?) in
                    let child = try Subprocess(command == "send" ? [command, url, "x"] : [command, url])
                    let errors = child.readErrorsToEnd()
                    return (child.readOutputToEnd(), errors, errors == nil ? nil : child.waitForExit())
                }
                #expect(errors == "tina4: no WebSocket route at /ws/nope (HTTP 404)\n")
                #expect(output == "")
                #expect(exit == 1)
            }
        }

        @Test func refusalMessagesComeFromTheBodyWhateverItsForm() {
            #expect(ClientCommands.refusalMessage("<!DOCTYPE html><html><body><h1>404 Not Found</h1> <p>no route at /a&amp;b</p></body></html>") == "no route at /a&b")
            #expect(ClientCommands.refusalMessage(#"{"error":"forbidden here","status":403}"#) == "forbidden here")
            #expect(ClientCommands.refusalMessage("<html><body>Go away</body></html>") == "")
            #expect(ClientCommands.refusalMessage("plain words") == "plain words")
            #expect(ClientCommands.describe(.handshakeFailed(status: 503, body: ""), url: "ws://h/x")
                == "the server refused the WebSocket handshake at ws://h/x (HTTP 503)")
        }

        /// The issue's scripted conversation: lines piped in become messages in order; the replies
        /// are printed; end of input closes with 1000 (the server echoes the code).
        @Test func chatPlaysAPipedConversation() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/scripted"
                let (output, errors, exit) = try await offMain { () -> (String?, String?, Int32?) in
                    let chat = try Subprocess(["chat", url, "--wait", "0.5"], input: .pipe)
                    try chat.writeInput(#"{"type":"set-username","username":"Ann"}"# + "\n" + #"{"text":"hi"}"# + "\n")
                    chat.closeInput()
                    let output = chat.readOutputToEnd()
                    return (output, chat.readErrorsToEnd(), output == nil ? nil : chat.waitForExit())
                }
                #expect(exit == 0)
                let lines = try #require(output).split(separator: "\n").map { try #require(try JSON.parse(String($0)).object) }
                try #require(lines.count == 3, "\(lines)")
                #expect(lines[0]["type"] == "welcome")
                #expect(lines[1] == ["type": "system", "message": "Anonymous is now known as Ann", "online": 1])
                #expect(lines[2]["text"] == "hi" && lines[2]["from"] == "Ann")
                #expect(errors == "tina4: connected to \(url)\ntina4: closed (1000)\n")
            }
        }

        /// A long script is sent whole and in order (the reconnect queue's bound does not apply
        /// while connected).
        @Test func chatSendsAPipedFileOfManyLinesInOrder() async throws {
            try await withDemoServer { server in
                let lines = (1...500).map { "line \($0)" }
                let output = try await offMain { () -> String? in
                    let chat = try Subprocess(["chat", server.ws + "/ws/echo", "--wait", "0.5"], input: .pipe)
                    try chat.writeInput(lines.joined(separator: "\n") + "\n")
                    chat.closeInput()
                    return chat.readOutputToEnd()
                }
                #expect(output == lines.map { "Echo: \($0)\n" }.joined())
            }
        }

        /// While it runs: what others send is printed as it arrives, each line read is sent at
        /// once, and closing standard input (Ctrl+D) leaves the room with a close.
        @Test func chatPrintsMessagesAsTheyArriveAndSendsLinesAsTheyAreRead() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/livechat/live"
                let chat = try await offMain { try Subprocess(["chat", url], input: .pipe) }
                #expect(try await offMain { chat.line { $0.contains(#""type":"welcome""#) } } != nil)
                let bob = try await Client.connect(url)
                _ = try await bob.receiveObject()  // his welcome
                try await bob.send(#"{"type":"set-username","username":"Bob"}"#)
                #expect(try await offMain { chat.line { $0.contains("Anonymous is now known as Bob") } } != nil)
                _ = try await bob.receiveObject()

                try await offMain { try chat.writeInput(#"{"text":"hello Bob"}"# + "\n") }
                let heard = try await bob.receiveObject()
                #expect(heard["text"] == "hello Bob" && heard["from"] == "Anonymous")
                #expect(try await offMain { chat.isRunning })

                try await offMain { chat.closeInput() }
                #expect(try await bob.receiveObject() == ["type": "system", "message": "Anonymous left the chat", "left": "Anonymous", "online": 1])
                let (errors, exit) = try await offMain { () -> (String?, Int32?) in
                    let errors = chat.readErrorsToEnd()
                    return (errors, errors == nil ? nil : chat.waitForExit())
                }
                #expect(exit == 0)
                #expect(errors?.hasSuffix("tina4: closed (1000)\n") == true)
                try await bob.close()
            }
        }

        /// A server that goes away (1012, service restart) is a lost connection: the status line
        /// says so, and the client reconnects and goes on.
        @Test func chatReconnectsWhenTheServerGoesAway() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/echo"
                let chat = try await offMain { try Subprocess(["chat", url], input: .pipe) }
                #expect(try await offMain { chat.errorLine { $0.hasPrefix("tina4: connected to") } } != nil)
                await MainActor.run {
                    for connection in Router.hub.connections(path: "/ws/echo") { connection.close(code: 1012, reason: "restart") }
                }
                let lost = try await offMain { chat.errorLine { $0.contains("reconnecting") } }
                #expect(lost == "tina4: connection lost (1012); reconnecting in 1 s (attempt 1 of 5)")
                #expect(try await offMain { chat.errorLine { $0 == "tina4: reconnected to \(url)" } } != nil)
                try await offMain { try chat.writeInput("after the restart\n") }
                #expect(try await offMain { chat.line { $0 == "Echo: after the restart" } } != nil)
                try await offMain { chat.closeInput() }
                #expect(try await offMain { () -> Int32? in _ = chat.readErrorsToEnd(); return chat.waitForExit() } == 0)
            }
        }

        /// A server that accepts and at once goes away does not reset the attempts: the waits grow.
        @Test func chatAttemptsKeepCountingWhenConnectionsDoNotLast() async throws {
            await MainActor.run {
                Router.websocket("/ws/test-drops-at-once") { connection, event, _ in
                    if event == .open { connection.close(code: 1012, reason: "restart") }
                }
            }
            try await withDemoServer { server in
                let chat = try await offMain { try Subprocess(["chat", server.ws + "/ws/test-drops-at-once"], input: .pipe) }
                #expect(try await offMain { chat.errorLine { $0.contains("attempt 1 of 5") } }
                    == "tina4: connection lost (1012); reconnecting in 1 s (attempt 1 of 5)")
                #expect(try await offMain { chat.errorLine { $0.contains("attempt 2 of 5") } }
                    == "tina4: connection lost (1012); reconnecting in 2 s (attempt 2 of 5)")
            }
        }

        @Test func chatWithJSONPrettyPrintsWhatArrives() async throws {
            try await withDemoServer { server in
                let output = try await offMain { () -> String? in
                    let chat = try Subprocess(["chat", "--json", server.ws + "/ws/project/9", "--wait", "0.3"], input: .pipe)
                    chat.closeInput()
                    return chat.readOutputToEnd()
                }
                #expect(output == "{\n  \"type\": \"connected\",\n  \"project\": \"9\"\n}\n")
            }
        }

        @Test func chatRefusedByThePolicyEndsWithStatus1() async throws {
            try await withDemoServer { server in
                let (errors, exit) = try await offMain { () -> (String?, Int32?) in
                    let chat = try Subprocess(["chat", server.ws + "/ws/secure"], input: .pipe)
                    let errors = chat.readErrorsToEnd()
                    return (errors, errors == nil ? nil : chat.waitForExit())
                }
                #expect(exit == 1)
                #expect(errors?.hasSuffix("tina4: server closed the connection (1008: missing token)\n") == true)
            }
        }
    }

    /// `/chat` and `/room` lead to the default rooms; a trailing slash means nothing to the router,
    /// for pages and sockets alike.
    @Suite struct TrailingSlash {
        @Test(arguments: [
            ("/chat", "/chat/general"), ("/chat/", "/chat/general"), ("/chat?name=Ann", "/chat/general?name=Ann"),
            ("/chat/?name=Ann", "/chat/general?name=Ann"), ("/room", "/room/test"), ("/room/?name=Bo", "/room/test?name=Bo"),
        ])
        func pagesWithoutARoomRedirectToTheDefaultRoom(path: String, location: String) async throws {
            try await withDemoServer { server in
                let reply = try await request(server, "GET", path)
                #expect(reply.status == 302)
                #expect(reply.header("Location") == location)
            }
        }

        @Test func aPageWithATrailingSlashIsThePageWithout() async throws {
            try await withDemoServer { server in
                let page = try await request(server, "GET", "/chat/general/")
                #expect(page.status == 200)
                #expect(page.body.contains("<h1>Chat Room: general</h1>"))
            }
        }

        @Test func aSocketWithATrailingSlashJoinsTheRouteWithout() async throws {
            try await withDemoServer { server in
                let plain = try await Client.connect(server.ws + "/ws/chat/general")
                _ = try await plain.receiveObject()
                let slashed = try await Client.connect(server.ws + "/ws/chat/general/")
                #expect(try await slashed.receiveObject()["online"] == 2, "the same room")
                #expect(await MainActor.run { Router.hub.connections(path: "/ws/chat/general").count } == 2)
                let bare = try await Client.connect(server.ws + "/ws/chat/")
                #expect(try await bare.receiveObject()["message"] == "Welcome to the chat!", "/ws/chat/ is /ws/chat")
                for client in [plain, slashed, bare] { try await client.close() }
            }
        }
    }

    @Suite struct Help {
        /// Every setting's row (name and default) is in `tina4 help`, from the one table.
        @Test func helpListsEverySettingWithItsDefault() async throws {
            let help = try await offMain { () -> String? in
                let child = try Subprocess(["help"])
                return child.readOutputToEnd()
            }
            let text = try #require(help)
            let names = Settings.rows.map(\.name)
            for name in ["TINA4_HOST / HOST", "TINA4_PORT / PORT", "TINA4_WS_MAX_MESSAGE", "TINA4_MAX_BODY", "TINA4_SECRET", "TINA4_LOG_LEVEL"] {
                #expect(names.contains(name))
            }
            for row in Settings.rows {
                let line = text.split(separator: "\n").first { $0.contains(row.name) }
                #expect(line?.contains(row.defaultValue) == true, "\(row.name) shows its default")
                #expect(line?.contains(row.meaning) == true)
            }
            #expect(Settings.rows.first { $0.name.hasPrefix("TINA4_PORT") }?.defaultValue == "7149")
            #expect(Settings.rows.first { $0.name == "TINA4_WS_MAX_MESSAGE" }?.defaultValue == "\(ServerConfiguration().maxMessageBytes)")
            #expect(text.contains("tina4 chat URL"))
        }

        /// The README's settings table is the same table, row for row.
        @Test func readmeSettingsTableIsTheHelpTable() throws {
            let readme = try #require(EmbeddedAssetsTests.read(EmbeddedAssetsTests.root + "/README.md"))
            let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `TINA4_") }.map(String.init)
            #expect(rows == Settings.rows.map { "| `\($0.name)` | \($0.defaultValue) | \($0.meaning) |" })
        }
    }
}

@Suite struct LineSplitterTests {
    @Test func linesAcrossReadsWithCRLFAndALastLineWithoutNewline() {
        var splitter = LineSplitter(maxLineBytes: 100)
        #expect(splitter.append(Array("one\r\ntw".utf8)[...]) == [.text("one")])
        #expect(splitter.append(Array("o\n\nthr".utf8)[...]) == [.text("two"), .text("")])
        #expect(splitter.finish() == [.text("thr")])
        #expect(splitter.finish() == [])
    }

    @Test func anOverlongLineIsReportedOnceAndSkippedWithBoundedMemory() {
        var splitter = LineSplitter(maxLineBytes: 4)
        #expect(splitter.append(Array("abcdefgh".utf8)[...]) == [])
        #expect(splitter.append(Array("ijk\nok\n".utf8)[...]) == [.tooLong(1), .text("ok")])
        #expect(splitter.append(Array("abcd\r\n".utf8)[...]) == [.text("abcd")], "the \\r does not count")
    }

    @Test func invalidUTF8IsReportedNotRepaired() {
        var splitter = LineSplitter(maxLineBytes: 100)
        #expect(splitter.append([0x61, 0xFF, 0x0A, 0x62, 0x0A][...]) == [.invalidUTF8(1), .text("b")])
    }
}

@Suite struct PrettyJSONTests {
    @Test func objectsAndNestedArraysAreIndentedScalarArraysStayOnOneLine() throws {
        let value = try JSON.parse(#"{"a":1,"list":[1,"x",null],"nested":[{"b":true}],"empty":{},"s":"q\""}"#)
        #expect(PrettyJSON.format(value) == """
            {
              "a": 1,
              "list": [1, "x", null],
              "nested": [
                {
                  "b": true
                }
              ],
              "empty": {},
              "s": "q\\""
            }
            """)
    }
}
