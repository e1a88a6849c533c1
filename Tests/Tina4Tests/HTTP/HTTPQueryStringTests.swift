import Testing
@testable import Tina4

@Suite struct HTTPQueryStringTests {
    static func pairs(_ raw: String) -> [String] {
        QueryString.parse(raw).map { "\($0.name)=\($0.value)" }
    }

    @Test func parsesPairsInOrder() {
        #expect(Self.pairs("a=1&b=two+words&c") == ["a=1", "b=two words", "c="])
    }

    @Test func keepsDuplicatesInOrder() {
        #expect(Self.pairs("t=1&u=x&t=2&t=3") == ["t=1", "u=x", "t=2", "t=3"])
    }

    @Test func decodesNamesAndValues() {
        #expect(Self.pairs("na%20me=v%3Dal&x=%2F&e=") == ["na me=v=al", "x=/", "e="])
        #expect(Self.pairs("q=a=b") == ["q=a=b"])
    }

    @Test func skipsMalformedAndEmptyPairs() {
        #expect(Self.pairs("a=%G1&b=2&%FF=3&=4&&c=%FF&d") == ["b=2", "d="])
        #expect(Self.pairs("").isEmpty)
        #expect(Self.pairs("&&&").isEmpty)
    }

    @Test func ignoresALeadingQuestionMark() {
        #expect(Self.pairs("?a=1") == ["a=1"])
    }

    @Test func parsesSubstrings() {
        let target = "/search?q=swift+6&page=2"
        let query = target.split(separator: "?", maxSplits: 1)[1]
        let parsed = QueryString.parse(query)
        #expect(parsed.map(\.name) == ["q", "page"])
        #expect(parsed.map(\.value) == ["swift 6", "2"])
    }
}
