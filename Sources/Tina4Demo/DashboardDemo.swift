import Tina4

extension Demos {
    /// The paths answered under `TINA4_METRICS` like `/metrics` (loopback-only by default).
    nonisolated static let dashboardPaths: Set<String> = ["/dashboard", DashboardFeed.path]

    /// `/dashboard`: the server watching itself, live over its own WebSocket `/ws/dashboard`
    /// (``DashboardFeed``): a snapshot on connect, then one a second while anyone watches.
    static func registerDashboard() {
        Router.get("/dashboard") { _, response in
            response.render("dashboard.html")
        }
        Router.websocket(DashboardFeed.path) { connection, event, _ in
            switch event {
            case .open:
                connection.send(DashboardFeed.shared.snapshot())
                DashboardFeed.shared.watch()
            case .message: break
            case .close: DashboardFeed.shared.watcherLeft()
            }
        }
    }
}
