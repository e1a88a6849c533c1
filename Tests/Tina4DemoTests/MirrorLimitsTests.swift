import Glibc
import Testing
@testable import Tina4

/// `TINA4_WS_MAX_MESSAGE` and `TINA4_WS_MAX_BUFFER` read by `tina4 serve`, end to end: with
/// 16 MiB messages and a 32 MiB output cap, the `/ws/mirror` demo echoes 16 MiB messages sent
/// back to back (each echo queues behind the one before while the client is still sending).
@Suite struct MirrorLimitsTests {
    @Test func sixteenMebibyteMessagesAreEchoedWithTheBufferRaisedTo32MiB() async throws {
        let serve = try await offMain {
            try Subprocess(["serve"], environment: ["TINA4_HOST=127.0.0.1", "TINA4_PORT=0", "TINA4_LOG_LEVEL=warn",
                                                    "TINA4_WS_MAX_MESSAGE=16777216", "TINA4_WS_MAX_BUFFER=33554432"])
        }
        let banner = try await offMain { serve.line { $0.hasPrefix("  WebSocket server running at ws://127.0.0.1:") } }
        let port = Int(banner?.split(separator: ":").last ?? "") ?? 0
        #expect(port > 0)
        let size = 16 << 20
        let echoed = try await offMain { () -> [Bool] in
            let client = try WebSocketClient(url: "ws://127.0.0.1:\(port)/ws/mirror", timeout: 30, maxMessageBytes: size)
            let messages = (0..<3).map { index in [UInt8](repeating: UInt8(0x41 + index), count: size) }
            for message in messages { try client.send(binary: message) }
            let replies = try messages.map { message in try client.receive(timeout: 60) == .binary(message) }
            try client.close()
            return replies
        }
        #expect(echoed == [true, true, true])
        let exit = try await offMain { () -> Int32? in
            kill(serve.pid, SIGTERM)   // the child this test started, by its pid
            return serve.waitForExit()
        }
        #expect(exit == 0)
        let errors = String(decoding: serve.stderr, as: UTF8.self)
        #expect(!errors.contains("not reading"), "nobody was dropped: \(errors)")
    }
}
