import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/notifications/{user_id}` and `POST /api/orders/{order_id:int}/ship` (chapter §9).
    @Suite struct Notifications {
        @Test func shippingNotifiesEveryListenerOfThatUserAndNoOneElse() async throws {
            try await withDemoServer { server in
                let first = try await listen(server, user: "7")
                let second = try await listen(server, user: "7")
                let otherUser = try await listen(server, user: "8")

                let reply = try await request(server, "POST", "/api/orders/1001/ship", body: #"{"user_id": 7}"#)
                #expect(reply.status == 201)
                #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
                #expect(try reply.object() == ["message": "Order shipped, user notified", "delivered": 2])
                for client in [first, second] {
                    #expect(try await notification(client) == shipped(1001))
                }

                // User 8's next message is its own order: nothing of order 1001 reached it.
                let other = try await request(server, "POST", "/api/orders/1002/ship", body: #"{"user_id": 8}"#)
                #expect(try other.object()["delivered"] == 1)
                #expect(try await notification(otherUser) == shipped(1002))
            }
        }

        @Test(arguments: [
            (#"{"user_id": "7"}"#, "application/json"),
            ("user_id=7", "application/x-www-form-urlencoded"),
            ("user_id=7&user_id=8", "application/x-www-form-urlencoded"),
            (#"{"user_id": 7.0}"#, "application/json"),
            // Accepted as the number 7, so delivered to user 7 (not to a path "/ws/notifications/007").
            (#"{"user_id": "007"}"#, "application/json"),
            ("user_id=%2B7", "application/x-www-form-urlencoded"),
        ])
        func userIDAsTextOrFormFieldReachesTheUser(body: String, contentType: String) async throws {
            try await withDemoServer { server in
                let listener = try await listen(server, user: "7")
                let reply = try await request(server, "POST", "/api/orders/55/ship", body: body, contentType: contentType)
                #expect(reply.status == 201)
                #expect(try reply.object() == ["message": "Order shipped, user notified", "delivered": 1])
                #expect(try await notification(listener) == shipped(55))
            }
        }

        @Test(arguments: [
            (nil, "application/json"), ("{}", "application/json"), (#"{"user_id": null}"#, "application/json"),
            (#"{"user_id": "abc"}"#, "application/json"), (#"{"user_id": 7.5}"#, "application/json"),
            (#"{"user_id": [7]}"#, "application/json"), ("[7]", "application/json"), (#"{"user_id": 7"#, "application/json"),
            ("user_id=abc", "application/x-www-form-urlencoded"), ("user_id=", "application/x-www-form-urlencoded"),
            ("other=1", "application/x-www-form-urlencoded"), ("user_id=7", "text/plain"),
        ] as [(String?, String)])
        func missingOrInvalidUserIDIs400(body: String?, contentType: String) async throws {
            try await withDemoServer { server in
                // A listener for user 0 (the chapter's `?? 0` default) must not be notified either.
                let userZero = try await listen(server, user: "0")
                let reply = try await request(server, "POST", "/api/orders/1001/ship", body: body, contentType: contentType)
                #expect(reply.status == 400)
                #expect(try reply.object()["status"] == 400)
                let proof = try await request(server, "POST", "/api/orders/1/ship", body: #"{"user_id": 0}"#)
                #expect(proof.status == 201)
                #expect(try await notification(userZero) == shipped(1))
            }
        }

        @Test(arguments: ["/api/orders/abc/ship", "/api/orders/1.5/ship", "/api/orders//ship", "/api/orders/1001/ship/now"])
        func nonNumericOrderIs404(path: String) async throws {
            try await withDemoServer { server in
                let reply = try await request(server, "POST", path, body: #"{"user_id": 7}"#)
                #expect(reply.status == 404)
            }
        }

        @Test func otherMethodsAre405() async throws {
            try await withDemoServer { server in
                let reply = try await request(server, "GET", "/api/orders/1001/ship")
                #expect(reply.status == 405)
                #expect(reply.header("Allow") == "POST")
            }
        }

        @Test func markReadIsAcceptedSilentlyAndBadJSONIsAnError() async throws {
            try await withDemoServer { server in
                let client = try await listen(server, user: "3")
                try await client.send(#"{"type":"mark-read","id":1}"#)
                try await client.send("not json")
                // The error is the first thing that comes back: mark-read answered nothing.
                let error = try await client.receiveObject()
                #expect(error.keys == ["type", "message"])
                #expect(error["type"] == "error")
                let reply = try await request(server, "POST", "/api/orders/9/ship", body: #"{"user_id": 3}"#)
                #expect(try reply.object()["delivered"] == 1)
                #expect(try await notification(client) == shipped(9))
            }
        }

        private func listen(_ server: DemoServer, user: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Client {
            let client = try await Client.connect(server.ws + "/ws/notifications/\(user)")
            #expect(try await client.receiveObject() == ["type": "connected", "message": "Listening for notifications"],
                    sourceLocation: sourceLocation)
            return client
        }

        private func shipped(_ order: Int) -> JSONObject {
            [
                "type": "notification", "title": "Order Shipped", "message": .string("Your order #\(order) has been shipped!"),
                "action_url": .string("/orders/\(order)"),
            ]
        }

        private func notification(_ client: Client, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
            var message = try await client.receiveObject()
            #expect(Stamp.isRecentISO8601(message.take("timestamp")), sourceLocation: sourceLocation)
            return message
        }
    }

    /// `/ws/project/{id}` and `POST /api/projects/{id:int}/tasks/complete` (chapter §9, "Scoped Notifications").
    @Suite struct Project {
        @Test func completingATaskReachesOnlyThatProject() async throws {
            try await withDemoServer { server in
                let first = try await join(server, project: "42")
                let second = try await join(server, project: "42")
                let other = try await join(server, project: "7")

                let reply = try await request(server, "POST", "/api/projects/42/tasks/complete", body: #"{"task":"Design review"}"#)
                #expect(reply.status == 200)
                #expect(try reply.object() == ["message": "Task completed", "delivered": 2])
                for client in [first, second] {
                    #expect(try await client.receiveText() == #"{"type":"task_completed","task":"Design review"}"#)
                }
                // Project 7's next message is its own task.
                _ = try await request(server, "POST", "/api/projects/7/tasks/complete", body: #"{"task":"Ship it"}"#)
                #expect(try await other.receiveObject() == ["type": "task_completed", "task": "Ship it"])
            }
        }

        @Test(arguments: [nil, "{}", #"{"task":""}"#, #"{"task":5}"#, #"{"name":"Design review"}"#, "not json"] as [String?])
        func missingTaskIs400(body: String?) async throws {
            try await withDemoServer { server in
                let client = try await join(server, project: "42")
                let reply = try await request(server, "POST", "/api/projects/42/tasks/complete", body: body)
                #expect(reply.status == 400)
                _ = try await request(server, "POST", "/api/projects/42/tasks/complete", body: #"{"task":"after"}"#)
                #expect(try await client.receiveObject()["task"] == "after")
            }
        }

        @Test func formBodyWorksAndANonNumericProjectIs404() async throws {
            try await withDemoServer { server in
                let client = try await join(server, project: "5")
                let form = try await request(server, "POST", "/api/projects/5/tasks/complete",
                                             body: "task=Design+review", contentType: "application/x-www-form-urlencoded")
                #expect(try form.object()["delivered"] == 1)
                #expect(try await client.receiveObject() == ["type": "task_completed", "task": "Design review"])
                let missing = try await request(server, "POST", "/api/projects/abc/tasks/complete", body: #"{"task":"x"}"#)
                #expect(missing.status == 404)
            }
        }

        @Test func messagesFromTheClientAreAnErrorAndTheSocketStaysOpen() async throws {
            try await withDemoServer { server in
                let client = try await join(server, project: "42")
                for message in ["not json", #"{"type":"ping"}"#] {
                    try await client.send(message)
                    #expect(try await client.receiveObject() == [
                        "type": "error",
                        "message": "/ws/project/42 only pushes to you; complete a task with POST /api/projects/42/tasks/complete",
                    ])
                }
                _ = try await request(server, "POST", "/api/projects/42/tasks/complete", body: #"{"task":"still here"}"#)
                #expect(try await client.receiveObject() == ["type": "task_completed", "task": "still here"])
            }
        }

        private func join(_ server: DemoServer, project: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Client {
            let client = try await Client.connect(server.ws + "/ws/project/\(project)")
            #expect(try await client.receiveObject() == ["type": "connected", "project": .string(project)], sourceLocation: sourceLocation)
            return client
        }
    }
}
