import Tina4

extension Demos {
    /// Chapter §9 "Scoped Notifications": clients of `/ws/project/{id}` receive pushes for that
    /// project only. `POST /api/projects/{id:int}/tasks/complete` with `{"task": "Design review"}`
    /// pushes a `task_completed` message there.
    static func registerProject() {
        Router.websocket("/ws/project/{id}") { connection, event, _ in
            if event == .open {
                connection.sendJson(["type": "connected", "project": connection.params["id"] ?? ""])
            }
        }

        Router.post("/api/projects/{id:int}/tasks/complete") { request, response in
            let projectID = request.params["id"] ?? ""
            guard let task = request.body["task"]?.string, !task.isEmpty else {
                return response.json(["error": "body must be JSON with a non-empty \"task\"", "status": 400], status: 400)
            }
            let delivered = Router.pushToWebSocket("/ws/project/\(projectID)", JSON(["type": "task_completed", "task": task]))
            return response.json(["message": "Task completed", "delivered": delivered])
        }
    }
}
