import Tina4

extension Demos {
    /// Chapter §9 "Scoped Notifications": clients of `/ws/project/{id}` receive pushes for that
    /// project only. `POST /api/projects/{id:int}/tasks/complete` with `{"task": "Design review"}`
    /// pushes a `task_completed` message there.
    static func registerProject() {
        Router.websocket("/ws/project/{id}") { connection, event, _ in
            let projectID = connection.params["id"] ?? ""
            switch event {
            case .open:
                connection.sendJson(["type": "connected", "project": projectID])
            case .message:
                // A push-only channel: say so rather than drop the message silently.
                connection.sendError("/ws/project/\(projectID) only pushes to you; complete a task with POST /api/projects/\(projectID)/tasks/complete")
            case .close:
                break
            }
        }

        Router.post("/api/projects/{id:int}/tasks/complete") { request, response in
            let projectID = request.params["id"] ?? ""
            guard let task = request.body["task"]?.string, !task.isEmpty else {
                return response.json(["error": "body must be JSON with a non-empty \"task\"", "status": 400], status: 400)
            }
            let delivered = Router.pushToWebSocket("/ws/project/\(projectID)", JSON(["type": "task_completed", "task": task.cappedToUTF8Bytes(FieldLimits.textBytes)]))
            return response.json(["message": "Task completed", "delivered": delivered])
        }
    }
}
