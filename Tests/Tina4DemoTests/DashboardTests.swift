import Dispatch
import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/dashboard` and `tina4 stats`: snapshots of the server's own metrics, pushed only while watched.
    @Suite struct Dashboard {
        /// Reads text messages until one is a stats snapshot that `done` accepts (bounded by the client's timeout).
        static func snapshot(_ client: Client, where done: (JSONObject) -> Bool = { _ in true }) async throws -> JSONObject {
            for _ in 0..<20 {
                let object = try await client.receiveObject()
                if object["type"] == "stats" && done(object) { return object }
            }
            throw TestFailure("no matching snapshot in 20 messages")
        }

        static func members(_ stats: JSONObject, _ path: String) -> Int? {
            stats["rooms"]?.array?.first { $0["path"]?.string == path }?["members"]?.int
        }

        @Test func aWatcherGetsASnapshotAtOnceThenOneASecondAndTheTickerStopsWhenNobodyWatches() async throws {
            try await withDemoServer { server in
                #expect(await MainActor.run { DashboardFeed.shared.isTicking } == false)
                let a = try await Client.connect(server.ws + "/ws/chat/dash%20room")
                let b = try await Client.connect(server.ws + "/ws/chat/dash%20room")
                let watcher = try await Client.connect(server.ws + "/ws/dashboard")
                let first = try await Self.snapshot(watcher)
                #expect(Self.members(first, "/ws/chat/dash room") == 2)
                #expect(first["routes"]?.array?.contains { $0["route"] == "/ws/chat/{room}" && $0["open"] == 2 } == true)
                #expect(first["backplane"] == .null)
                #expect(await MainActor.run { DashboardFeed.shared.isTicking })

                try await b.close()
                let started = DispatchTime.now().uptimeNanoseconds
                let later = try await Self.snapshot(watcher) { Self.members($0, "/ws/chat/dash room") == 1 }
                #expect(DispatchTime.now().uptimeNanoseconds - started < 3_000_000_000, "pushed about once a second")
                #expect((later["history"]?.array?.count ?? 0) >= 1)
                let left = try #require(later["disconnects"]?.array?.first)
                #expect(left["path"] == "/ws/chat/dash room" && left["code"] == 1000)

                try await watcher.close()
                try await a.close()
                let deadline = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
                var ticking = true
                while ticking && DispatchTime.now().uptimeNanoseconds < deadline {
                    ticking = await MainActor.run { DashboardFeed.shared.isTicking }
                    if ticking { try await Task.sleep(nanoseconds: 5_000_000) }
                }
                #expect(!ticking, "no watcher: the ticker is cancelled")
            }
        }

        @Test func statsPlainPrintsALineASecondWithRoomNamesMadeSafe() async throws {
            try await withDemoServer { server in
                let member = try await Client.connect(server.ws + "/ws/chat/a%1B%5B2Jb")   // ESC [2J in the room name
                let stats = try await offMain { try Subprocess(["stats", server.ws, "--plain"]) }
                let lines = try await offMain { () -> [String] in
                    var lines: [String] = []
                    while lines.count < 2, let line = stats.line(timeout: 5, where: { $0.contains(" connections=") }) { lines.append(line) }
                    return lines
                }
                #expect(lines.count == 2)
                #expect(lines.first?.contains("connections=2 rooms=2") == true)   // the member and the stats client itself
                #expect(lines.first?.contains("top=") == true && lines.first?.contains("/ws/chat/a?[2Jb:1") == true)
                #expect(lines.allSatisfy { !$0.utf8.contains(0x1B) })
                try await member.close()
            }
        }

        @Test func theDashboardURLDefaultsToItsSocket() {
            #expect(StatsCommand.dashboardURL("ws://h:1") == "ws://h:1/ws/dashboard")
            #expect(StatsCommand.dashboardURL("ws://h:1/") == "ws://h:1/ws/dashboard")
            #expect(StatsCommand.dashboardURL("ws://h:1/ws/other") == "ws://h:1/ws/other")
            #expect(StatsCommand.shown("a\u{1B}b\u{9B}c\té") == "a?b?c?é")
        }

        @Test func theDashboardPageLoadsItsScriptAndStyle() async throws {
            try await withDemoServer { server in
                let page = try await request(server, "GET", "/dashboard")
                #expect(page.status == 200)
                #expect(page.body.contains(#"<script src="/js/dashboard.js"></script>"#))
                #expect(page.body.contains(#"href="/css/dashboard.css""#))
                let index = try await request(server, "GET", "/")
                #expect(index.body.contains(#"<a href="/dashboard">"#))
            }
        }
    }
}
