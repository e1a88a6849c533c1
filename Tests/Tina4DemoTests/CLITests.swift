import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// The built `tina4` executable, run as a child process against an in-process server.
    /// (`CommandLine.run` is main-actor isolated and blocks, and the server runs on the main actor.)
    @Suite struct CLI {
        @Test func listenPrintsEachMessageOnItsOwnLineAsItArrives() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/notifications/7"
                let listener = try await offMain { try Subprocess(["listen", url]) }
                // The greeting on the pipe proves the listener is connected and registered.
                let greeting = try await offMain { listener.line { $0.contains("Listening for notifications") } }
                #expect(greeting == #"{"type":"connected","message":"Listening for notifications"}"#)

                let reply = try await request(server, "POST", "/api/orders/1001/ship", body: #"{"user_id": 7}"#)
                #expect(try reply.object()["delivered"] == 1)
                let line = try #require(try await offMain { listener.line { $0.contains("Order Shipped") } })
                var notification = try #require(try JSON.parse(line).object)
                #expect(Stamp.isRecentISO8601(notification.take("timestamp")))
                #expect(notification == [
                    "type": "notification", "title": "Order Shipped",
                    "message": "Your order #1001 has been shipped!", "action_url": "/orders/1001",
                ])
                // Read while the process still runs: the line was flushed, not buffered until exit.
                #expect(try await offMain { listener.isRunning })

                // A normal close from the server ends it with status 0 and a note on stderr.
                await MainActor.run {
                    for connection in Router.hub.connections(path: "/ws/notifications/7") { connection.close() }
                }
                let (exit, errors) = try await offMain { () -> (Int32?, String?) in
                    let errors = listener.readErrorsToEnd()  // nil while it still runs
                    return (errors == nil ? nil : listener.waitForExit(), errors)
                }
                #expect(exit == 0)
                #expect(errors?.contains("listening on \(url)") == true)
                #expect(errors?.contains("server closed the connection (1000)") == true)
            }
        }

        @Test func sendPrintsTheRepliesAndExits() async throws {
            try await withDemoServer { server in
                let url = server.ws + "/ws/echo"
                let (output, exit) = try await offMain { () -> (String?, Int32?) in
                    let send = try Subprocess(["send", url, "hello", "--wait", "0.5"])
                    let output = send.readOutputToEnd()
                    return (output, output == nil ? nil : send.waitForExit())
                }
                #expect(output == "Echo: hello\n")
                #expect(exit == 0)
            }
        }

        @Test func serveOnABusyPortIsOneLineOnStderrAndExitStatus1() async throws {
            try await withDemoServer { server in
                let port = server.port
                let (output, errors, exit) = try await offMain { () -> (String?, String?, Int32?) in
                    let serve = try Subprocess(["serve", "--host", "127.0.0.1", "--port", "\(port)"])
                    let errors = serve.readErrorsToEnd()
                    return (serve.readOutputToEnd(), errors, errors == nil ? nil : serve.waitForExit())
                }
                #expect(exit == 1)
                #expect(output == "")
                let message = try #require(errors)
                #expect(message.hasPrefix("tina4: ") && message.hasSuffix("\n"))
                #expect(message.filter { $0 == "\n" }.count == 1)
                #expect(message.contains("port \(port) on 127.0.0.1 is already in use"))
            }
        }
    }
}
