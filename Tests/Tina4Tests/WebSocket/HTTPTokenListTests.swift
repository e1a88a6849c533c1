import Testing
@testable import Tina4
import Tina4TestSupport

/// Header tokens compare ASCII case-insensitively byte by byte (issue 10): Unicode case mapping
/// turns a Kelvin sign (U+212A) into `k`, so `websoc\u{212A}et` used to upgrade.
@Suite(.serialized) struct HTTPTokenListTests {
    @Test func onlyASCIICaseIsIgnored() {
        #expect(HTTPTokenList.contains(["keep-alive, Upgrade"], token: "upgrade"))
        #expect(HTTPTokenList.contains(["WebSocket"], token: "websocket"))
        #expect(HTTPTokenList.contains(["a,\t websocket \t"], token: "websocket"))
        #expect(!HTTPTokenList.contains(["websoc\u{212A}et"], token: "websocket"))   // Kelvin sign
        #expect(!HTTPTokenList.contains(["upgrad\u{0130}"], token: "upgradi"))       // dotted capital I
        #expect(!HTTPTokenList.contains(["websocket\u{301}"], token: "websocket"))   // combining mark
        #expect(HTTPTokenList.contains([",\u{301}websocket"], token: "websocket") == false)
        #expect(HTTPTokenList.contains(["x,websocket"], token: "websocket"))
    }

    @Test func trimmingIsByteWise() {
        #expect(HTTPTokenList.trimmed(" \t13 ") == "13")
        #expect(HTTPTokenList.trimmed(" \u{301}13") == "\u{301}13")   // the mark is not part of the space
    }

    @Test func asciiLowercasingLeavesOtherBytesAlone() {
        #expect(HTTPBytes.asciiLowercased("Application/JSON") == "application/json")
        #expect(HTTPBytes.asciiLowercased("\u{212A}") == "\u{212A}")
        #expect(MIMEType.forPath("a.\u{212A}s") == MIMEType.fallback)
        #expect(MIMEType.forPath("A.JS") == MIMEType.forPath("a.js"))
    }

    @Test func aKelvinSignInUpgradeDoesNotUpgrade() async throws {
        let server = try await MainActor.run {
            try TestServer { routes, _ in
                routes.websocket("/ws/echo") { connection, event, data in
                    if event == .message { connection.send("Echo: \(data)") }
                }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        let (kelvin, plain) = try await offMain { () -> (String, String) in
            func handshake(_ upgrade: String) throws -> String {
                let connection = try RawConnection(port: port)
                try connection.send("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: \(upgrade)\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                return String(decoding: connection.read { $0.firstRange(of: [13, 10, 13, 10]) != nil }, as: UTF8.self)
            }
            return (try handshake("websoc\u{212A}et"), try handshake("WebSocket"))
        }
        #expect(kelvin.hasPrefix("HTTP/1.1 400 "), "\(kelvin)")
        #expect(plain.hasPrefix("HTTP/1.1 101 "), "\(plain)")
    }
}
