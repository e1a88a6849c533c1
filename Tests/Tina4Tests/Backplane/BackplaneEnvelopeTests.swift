import Testing
@testable import Tina4

/// The Tina4 family's envelope on `tina4:ws`, as other editions write and read it.
@Suite struct BackplaneEnvelopeTests {
    private func decode(_ text: String) throws -> BackplaneEnvelope.Decoded {
        try BackplaneEnvelope.decode(Array(text.utf8))
    }

    @Test func encodesTheFamilyFormatInItsKeyOrder() {
        let text = BackplaneEnvelope(source: "0123456789abcdef", target: .path("/ws/chat/general"), payload: .text("hi \"you\""), sequence: 7)
        #expect(String(decoding: text.encoded(), as: UTF8.self)
            == #"{"src":"0123456789abcdef","kind":"path","path":"/ws/chat/general","exclude":null,"room":null,"text":"hi \"you\"","seq":7}"#)
        let binary = BackplaneEnvelope(source: "0123456789abcdef", target: .path("/ws/feed"), exclude: "conn1", payload: .binary([0, 1, 2, 255]))
        #expect(String(decoding: binary.encoded(), as: UTF8.self)
            == #"{"src":"0123456789abcdef","kind":"path","path":"/ws/feed","exclude":"conn1","room":null,"b64":"AAEC/w=="}"#)
    }

    @Test func roundTrips() throws {
        for envelope in [
            BackplaneEnvelope(source: "aa", target: .path("/ws/a b"), exclude: "x", payload: .text("é\u{0}"), sequence: 1 << 40),
            BackplaneEnvelope(source: "bb", target: .all, payload: .binary(Array(0...255))),
        ] {
            #expect(try BackplaneEnvelope.decode(envelope.encoded()) == .deliver(envelope, roomIgnored: false))
        }
    }

    @Test func readsWhatOtherEditionsSend() throws {
        #expect(try decode(#"{"src":"py1","kind":"all","text":"maintenance"}"#)
            == .deliver(BackplaneEnvelope(source: "py1", target: .all, payload: .text("maintenance")), roomIgnored: false))
        #expect(try decode(#"{"src":"php","kind":"path","path":"/ws/chat/my%20room","exclude":null,"room":"lobby","text":"x","extra":{"a":[1]},"v":2}"#)
            == .deliver(BackplaneEnvelope(source: "php", target: .path("/ws/chat/my room"), payload: .text("x")), roomIgnored: true))
        #expect(try decode(#"{"src":"rb","kind":"path","path":"/ws/bin","b64":"AAE=","text":null}"#)
            == .deliver(BackplaneEnvelope(source: "rb", target: .path("/ws/bin"), payload: .binary([0, 1])), roomIgnored: false))
        #expect(try decode(#"{"src":"node","kind":"room","room":"lobby","text":"x"}"#)
            == .skip(reason: #"kind "room": rooms are not a concept of this edition"#))
        #expect(try decode(#"{"src":"node","kind":"presence","text":"x"}"#) == .skip(reason: #"unknown kind "presence""#))
    }

    @Test(arguments: [
        ("garbage", "not JSON"),
        ("[1,2]", "not a JSON object"),
        (#"{"kind":"all","text":"x"}"#, #"no "src" string"#),
        (#"{"src":"a","text":"x"}"#, #"no "kind" string"#),
        (#"{"src":"a","kind":"path","text":"x"}"#, #"kind "path" without a "path" string starting with /"#),
        (#"{"src":"a","kind":"all"}"#, #"no "text" or "b64" string"#),
        (#"{"src":"a","kind":"all","b64":"!!"}"#, #""b64" is not valid Base64"#),
        (#"{"src":"a","kind":"all","text":"x","b64":"AA=="}"#, #"both "text" and "b64""#),
        (#"{"src":"a","kind":"all","text":"x","exclude":5}"#, #""exclude" is neither a connection id string nor null"#),
        (#"{"src":"a","kind":"all","text":"x","seq":-1}"#, #""seq" is not a whole number"#),
    ])
    func malformedEnvelopesSayWhy(text: String, reason: String) {
        do throws(BackplaneEnvelope.Malformed) {
            _ = try BackplaneEnvelope.decode(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.reason.hasPrefix(reason), "\(error.reason)")
        }
    }

    @Test func invalidUTF8IsMalformedNotRepaired() {
        #expect(throws: BackplaneEnvelope.Malformed.self) {
            try BackplaneEnvelope.decode(Array(#"{"src":"a","kind":"all","text":""#.utf8) + [0xFF] + Array(#""}"#.utf8))
        }
    }
}
