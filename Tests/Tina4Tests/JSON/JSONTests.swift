import Testing
@testable import Tina4

@Suite struct JSONTests {
    @Test func objectsKeepInsertionOrder() {
        let value: JSON = ["type": "system", "message": "hi", "online": 3]
        #expect(value.serialized() == #"{"type":"system","message":"hi","online":3}"#)
    }

    @Test func parsesAndReadsNestedValues() throws {
        let value = try JSON.parse(#" {"a": [1, 2.5, "x", true, null], "b": {"c": -0.5e2}} "#)
        #expect(value["a"]?[0]?.int == 1)
        #expect(value["a"]?[1]?.double == 2.5)
        #expect(value["a"]?[2]?.string == "x")
        #expect(value["a"]?[3]?.bool == true)
        #expect(value["a"]?[4]?.isNull == true)
        #expect(value["b"]?["c"]?.double == -50)
        #expect(value["missing"] == nil)
    }

    @Test func roundTripsEscapesAndUnicode() throws {
        let text = "quote\" backslash\\ newline\n tab\t ctl\u{01} é 😀"
        let encoded = JSON.string(text).serialized()
        #expect(encoded == #""quote\" backslash\\ newline\n tab\t ctl\u0001 é 😀""#)
        #expect(try JSON.parse(encoded) == .string(text))
        #expect(try JSON.parse(#""\ud83d\ude00 \u00e9""#) == .string("😀 é"))
    }

    @Test func htmlSafeSerialisationEscapesTagCharacters() {
        let value: JSON = ["html": "</script><b>&"]
        #expect(value.serialized(escapeForHTML: true) == #"{"html":"\u003c/script\u003e\u003cb\u003e\u0026"}"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "{\"a\" 1}", "[1] x",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "1e999", "NaN", "// c\n1",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSON.parse(ok) }
    }

    @Test func numbersPrintWithoutNeedlessFractions() {
        #expect(JSON.number(42).serialized() == "42")
        #expect(JSON.number(-3).text == "-3")
        #expect(JSON.number(2.25).serialized() == "2.25")
        #expect(JSON.number(.nan).serialized() == "null")
        #expect(JSON.string("7").int == 7)
        #expect(JSON.number(7.5).int == nil)
    }

    @Test func interpolationReadsLikeTheValue() {
        let body: JSON = ["user_id": 7, "name": "Ann"]
        #expect("/ws/notifications/\(body["user_id"] ?? 0)" == "/ws/notifications/7")
        #expect("\(body["name"] ?? "")" == "Ann")
        #expect("\(body["none"] ?? 0)" == "0")
    }

    @Test func settingAndRemovingMembers() {
        var value: JSON = ["a": 1, "b": 2]
        value["a"] = 3
        value["c"] = "x"
        value["b"] = nil
        #expect(value.serialized() == #"{"a":3,"c":"x"}"#)
    }
}
