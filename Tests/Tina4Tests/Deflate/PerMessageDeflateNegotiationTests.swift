import Testing
@testable import Tina4

@Suite("permessage-deflate: negotiation (RFC 7692 §5, §7.1)")
struct PerMessageDeflateNegotiationTests {
    static let base = "permessage-deflate; server_no_context_takeover"
    /// Honours every offered client window as it is (the default asks for 10 at most).
    static let fifteen = { var c = PerMessageDeflateConfiguration(); c.clientMaxWindowBits = 15; return c }()

    struct Case: Sendable, CustomTestStringConvertible {
        var offers: [String]
        var response: String?
        var testDescription: String { offers.joined(separator: " | ") }
    }

    static let matrix: [Case] = [
        // one parameter at a time
        Case(offers: ["permessage-deflate"], response: base),
        Case(offers: ["permessage-deflate; server_no_context_takeover"], response: base),
        Case(offers: ["permessage-deflate; client_no_context_takeover"], response: base + "; client_no_context_takeover"),
        Case(offers: ["permessage-deflate; client_max_window_bits"], response: base + "; client_max_window_bits=15"),
        Case(offers: ["permessage-deflate; client_max_window_bits=10"], response: base + "; client_max_window_bits=10"),
        Case(offers: ["permessage-deflate; client_max_window_bits=8"], response: base + "; client_max_window_bits=8"),
        Case(offers: ["permessage-deflate; server_max_window_bits=10"], response: base + "; server_max_window_bits=10"),
        Case(offers: ["permessage-deflate; server_max_window_bits=8"], response: base + "; server_max_window_bits=8"),
        Case(offers: ["permessage-deflate; server_max_window_bits=15"], response: base + "; server_max_window_bits=15"),
        // all together, any order, any spacing
        Case(offers: ["permessage-deflate;client_max_window_bits=9 ;server_max_window_bits=12;client_no_context_takeover;server_no_context_takeover"],
             response: base + "; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9"),
        // quoted values (RFC 6455 §9.1: the unquoted value must be a token)
        Case(offers: [#"permessage-deflate; server_max_window_bits="10""#], response: base + "; server_max_window_bits=10"),
        Case(offers: [#"permessage-deflate; client_max_window_bits="1\1""#], response: base + "; client_max_window_bits=11"),
        Case(offers: [#"permessage-deflate; client_max_window_bits="1 0""#], response: nil),
        // Chromium's and Firefox's offers
        Case(offers: ["permessage-deflate; client_max_window_bits"], response: base + "; client_max_window_bits=15"),
        Case(offers: ["Permessage-Deflate"], response: base),
        // invalid parameters decline the offer
        Case(offers: ["permessage-deflate; server_max_window_bits"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=7"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=16"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=010"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=+9"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=abc"], response: nil),
        Case(offers: ["permessage-deflate; client_max_window_bits=0"], response: nil),
        Case(offers: ["permessage-deflate; client_max_window_bits=1e1"], response: nil),
        Case(offers: ["permessage-deflate; server_no_context_takeover=1"], response: nil),
        Case(offers: ["permessage-deflate; client_no_context_takeover=true"], response: nil),
        Case(offers: ["permessage-deflate; client_no_context_takeover; client_no_context_takeover"], response: nil),
        Case(offers: ["permessage-deflate; server_max_window_bits=10; server_max_window_bits=10"], response: nil),
        Case(offers: ["permessage-deflate; client_max_window_bits; client_max_window_bits=10"], response: nil),
        Case(offers: ["permessage-deflate; foo"], response: nil),
        Case(offers: ["permessage-deflate; foo=1"], response: nil),
        // malformed syntax declines that element only
        Case(offers: ["permessage-deflate;;"], response: nil),
        Case(offers: ["permessage-deflate; =10"], response: nil),
        Case(offers: [#"permessage-deflate; client_max_window_bits="10"#], response: nil),
        Case(offers: ["permessage-deflate;;, permessage-deflate; client_no_context_takeover"], response: base + "; client_no_context_takeover"),
        // fall back to the next offer, in the same header or the next one
        Case(offers: ["permessage-deflate; server_max_window_bits=20, permessage-deflate; client_max_window_bits"],
             response: base + "; client_max_window_bits=15"),
        Case(offers: ["permessage-deflate; foo", "permessage-deflate; server_max_window_bits=9"], response: base + "; server_max_window_bits=9"),
        Case(offers: ["x-webkit-deflate-frame", "permessage-deflate"], response: base),
        Case(offers: [#"foo; a="x, y", permessage-deflate"#], response: base),
        Case(offers: [", ,permessage-deflate,"], response: base),
        // the first acceptable offer wins
        Case(offers: ["permessage-deflate; server_max_window_bits=10, permessage-deflate"], response: base + "; server_max_window_bits=10"),
        // nothing to accept
        Case(offers: ["x-webkit-deflate-frame"], response: nil),
        Case(offers: [""], response: nil),
        Case(offers: [], response: nil),
    ]

    @Test("offers → response", arguments: matrix)
    func negotiation(_ c: Case) {
        let agreed = PerMessageDeflateNegotiation.negotiate(offers: c.offers, configuration: Self.fifteen)
        #expect(agreed?.responseHeaderValue == c.response)
    }

    @Test func agreementCarriesTheWindowsEachSideUses() throws {
        let agreed = try #require(PerMessageDeflateNegotiation.negotiate(
            offers: ["permessage-deflate; server_max_window_bits=11; client_max_window_bits=12; client_no_context_takeover"],
            configuration: Self.fifteen))
        #expect(agreed.server == .init(maxWindowBits: 11, noContextTakeover: true))
        #expect(agreed.client == .init(maxWindowBits: 12, noContextTakeover: true))
        let plain = try #require(PerMessageDeflateNegotiation.negotiate(offers: ["permessage-deflate"], configuration: .init()))
        #expect(plain.server == .init(maxWindowBits: 15, noContextTakeover: true))
        #expect(plain.client == .init(maxWindowBits: 15, noContextTakeover: false))
    }

    @Test func byDefaultChromiumIsAskedForA1KiBWindow() throws {
        let agreed = try #require(PerMessageDeflateNegotiation.negotiate(
            offers: ["permessage-deflate; client_max_window_bits"], configuration: .init()))
        #expect(agreed.responseHeaderValue == Self.base + "; client_max_window_bits=10")
        #expect(agreed.client == .init(maxWindowBits: 10, noContextTakeover: false))
        let firefox = try #require(PerMessageDeflateNegotiation.negotiate(offers: ["permessage-deflate"], configuration: .init()))
        #expect(firefox.client.maxWindowBits == 15)         // it did not offer to use a smaller one
    }

    @Test func disabledNegotiatesNothing() {
        var configuration = PerMessageDeflateConfiguration()
        configuration.isEnabled = false
        #expect(PerMessageDeflateNegotiation.negotiate(offers: ["permessage-deflate"], configuration: configuration) == nil)
    }

    @Test("a smaller configured client window is asked for only when the client offers one",
          arguments: [("permessage-deflate; client_max_window_bits", "; client_max_window_bits=10", 10),
                      ("permessage-deflate; client_max_window_bits=12", "; client_max_window_bits=10", 10),
                      ("permessage-deflate; client_max_window_bits=9", "; client_max_window_bits=9", 9),
                      ("permessage-deflate", "", 15)])
    func configuredClientWindow(offer: String, suffix: String, bits: Int) throws {
        var configuration = PerMessageDeflateConfiguration()
        configuration.clientMaxWindowBits = 10
        let agreed = try #require(PerMessageDeflateNegotiation.negotiate(offers: [offer], configuration: configuration))
        #expect(agreed.responseHeaderValue == Self.base + suffix)
        #expect(agreed.client.maxWindowBits == bits)
    }

    @Test func serverMayAskForClientNoContextTakeover() throws {
        var configuration = PerMessageDeflateConfiguration()
        configuration.requestClientNoContextTakeover = true
        let agreed = try #require(PerMessageDeflateNegotiation.negotiate(offers: ["permessage-deflate"], configuration: configuration))
        #expect(agreed.responseHeaderValue == Self.base + "; client_no_context_takeover")
        #expect(agreed.client.noContextTakeover)
    }

    @Test("TINA4_WS_COMPRESSION", arguments: [("off", false), ("OFF", false), ("0", false), ("false", false), ("on", true), ("1", true), ("", true)])
    func environment(value: String, enabled: Bool) throws {
        let configuration = try ServerConfiguration.fromEnvironment(["TINA4_WS_COMPRESSION": value])
        #expect(configuration.compression.isEnabled == enabled)
    }

    @Test func environmentRejectsNonsense() {
        #expect(throws: ServerConfiguration.Invalid.self) {
            try ServerConfiguration.fromEnvironment(["TINA4_WS_COMPRESSION": "maybe"])
        }
    }

    @Test func handshakeResponseNamesTheAgreement() throws {
        let agreed = try #require(PerMessageDeflateNegotiation.negotiate(offers: ["permessage-deflate"], configuration: .init()))
        let text = String(decoding: WebSocketHandshake.switchingProtocolsResponse(accept: "abc", perMessageDeflate: agreed), as: UTF8.self)
        #expect(text.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"))
        let none = String(decoding: WebSocketHandshake.switchingProtocolsResponse(accept: "abc", perMessageDeflate: nil), as: UTF8.self)
        #expect(!none.contains("Sec-WebSocket-Extensions"))
    }
}
