import Glibc
import Testing
@testable import Tina4

/// `tina4 listen` against `tina4 serve` pinging every second: the listener answers each ping by
/// itself (the server logs the pongs at debug), so it is never dropped and still prints a push.
@Suite struct ListenHeartbeatTests {
    @Test func tina4ListenAnswersTheServersPingsAndStaysConnected() async throws {
        let serve = try await offMain {
            try Subprocess(["serve"], environment: ["TINA4_HOST=127.0.0.1", "TINA4_PORT=0", "TINA4_LOG_LEVEL=debug",
                                                    "TINA4_WS_PING_INTERVAL=1"])
        }
        let banner = try await offMain { serve.line { $0.hasPrefix("  WebSocket server running at ws://127.0.0.1:") } }
        let port = Int(banner?.split(separator: ":").last ?? "") ?? 0
        #expect(port > 0)
        let listen = try await offMain { try Subprocess(["listen", "ws://127.0.0.1:\(port)/ws/notifications/7"]) }
        let thirdPong = try await offMain { () -> String? in
            var pongs = 0
            return serve.errorLine(timeout: 15) { line in
                if line.contains("[ws] /ws/notifications/{user_id} conn=") && line.contains(": frame pong ") { pongs += 1 }
                return pongs == 3
            }
        }
        #expect(thirdPong != nil, "three pings answered")
        let reply = try await request(DemoServer(port: port), "POST", "/api/orders/1001/ship", body: #"{"user_id": 7}"#)
        #expect(reply.body.contains(#""delivered":1"#), "still connected after three intervals")
        let printed = try await offMain { listen.line { $0.contains("Order Shipped") } }
        #expect(printed != nil)
        let errors = String(decoding: serve.stderr, as: UTF8.self)
        #expect(!errors.contains("heartbeat"), "nobody was dropped")
        _ = try await offMain { () -> Int32? in
            kill(listen.pid, SIGTERM)   // the children this test started, by their pids
            kill(serve.pid, SIGTERM)
            _ = listen.waitForExit()
            return serve.waitForExit()
        }
    }
}
