import Testing
@testable import Tina4

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsOriginalNames() {
        let headers = HTTPHeaders([("Content-Type", "text/plain"), ("X-Id", "7")])
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers["Missing"] == nil)
        #expect(headers.map(\.name) == ["Content-Type", "X-Id"])
        #expect(headers.contains("x-id"))
        #expect(!headers.contains("x-i"))
    }

    @Test func repeatedFieldsStayInOrder() {
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", "a=1")
        headers.add("Other", "x")
        headers.add("set-cookie", "b=2")
        #expect(headers.count == 3)
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.values("nope").isEmpty)
    }

    @Test func setReplacesAllWithOneInPlace() {
        var headers = HTTPHeaders([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")])
        headers.set("a", "9")
        #expect(headers.map(\.name) == ["a", "B", "C"])
        #expect(headers.values("A") == ["9"])
        headers.set("D", "new")
        #expect(headers.map(\.name) == ["a", "B", "C", "D"])
    }

    @Test func removeDropsEveryMatch() {
        var headers = HTTPHeaders([("A", "1"), ("B", "2"), ("a", "3")])
        headers.remove("A")
        #expect(headers.count == 1)
        #expect(headers["b"] == "2")
        headers.remove("missing")
        #expect(headers.count == 1)
    }

    @Test func containsTokenSplitsTrimsAndIgnoresCase() {
        let headers = HTTPHeaders([("Connection", "keep-alive, Upgrade"), ("Connection", " ,\tclose "), ("Upgrade", "WebSocket")])
        #expect(headers.containsToken("upgrade", in: "connection"))
        #expect(headers.containsToken("KEEP-ALIVE", in: "Connection"))
        #expect(headers.containsToken("close", in: "Connection"))
        #expect(headers.containsToken("websocket", in: "Upgrade"))
        #expect(!headers.containsToken("keep", in: "Connection"))
        #expect(!headers.containsToken("", in: "Connection"))
        #expect(!headers.containsToken("websocket", in: "Connection"))
    }

    @Test func equalityComparesNamesIgnoringCaseAndValuesExactly() {
        #expect(HTTPHeaders([("Host", "a")]) == HTTPHeaders([("host", "a")]))
        #expect(HTTPHeaders([("Host", "a")]) != HTTPHeaders([("Host", "A")]))
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != HTTPHeaders([("B", "2"), ("A", "1")]))
        let literal: HTTPHeaders = ["Host": "a", "Accept": "*/*"]
        #expect(literal == HTTPHeaders([("Host", "a"), ("Accept", "*/*")]))
    }

    @Test func iteratesPairs() {
        var seen: [String] = []
        for (name, value) in HTTPHeaders([("A", "1"), ("B", "2")]) { seen.append("\(name)=\(value)") }
        #expect(seen == ["A=1", "B=2"])
    }
}
