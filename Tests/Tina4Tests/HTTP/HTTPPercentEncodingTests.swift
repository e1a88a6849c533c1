import Testing
@testable import Tina4

@Suite struct HTTPPercentEncodingTests {
    @Test func decodesEscapes() {
        #expect(PercentEncoding.decode("a%20b") == "a b")
        #expect(PercentEncoding.decode("caf%C3%a9") == "café")
        #expect(PercentEncoding.decode("plain") == "plain")
        #expect(PercentEncoding.decode("") == "")
        #expect(PercentEncoding.decode("%25") == "%")
        #expect(PercentEncoding.decode("café") == "café")
    }

    @Test func escapedSlashDecodesToSlash() {
        #expect(PercentEncoding.decode("a%2Fb") == "a/b")
        #expect(PercentEncoding.decode("a%2fb") == "a/b")
    }

    @Test func plusIsSpaceOnlyWhenAsked() {
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentEncoding.decode("a%2Bb", plusAsSpace: true) == "a+b")
    }

    @Test func rejectsMalformedEscapes() {
        #expect(PercentEncoding.decode("%G1") == nil)
        #expect(PercentEncoding.decode("%1G") == nil)
        #expect(PercentEncoding.decode("abc%") == nil)
        #expect(PercentEncoding.decode("abc%4") == nil)
        #expect(PercentEncoding.decode("%%41") == nil)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(PercentEncoding.decode("%FF") == nil)
        #expect(PercentEncoding.decode("%C3") == nil)
        #expect(PercentEncoding.decode("%C0%AF") == nil, "overlong encoding of '/'")
        #expect(PercentEncoding.decode("%ED%A0%80") == nil, "surrogate")
    }

    @Test func decodesSubstrings() {
        let target = "/p/a%20b?x"
        let path = target.split(separator: "?")[0]
        #expect(PercentEncoding.decode(path) == "/p/a b")
    }

    @Test func encodesAllButUnreserved() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("a b/c?d=e&f+g") == "a%20b%2Fc%3Fd%3De%26f%2Bg")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("") == "")
    }

    @Test func roundTrips() {
        for text in ["", "hello world", "a/b?c#d", "üñíçødé 🎉", "100% sure", "+&="] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
            #expect(PercentEncoding.decode(PercentEncoding.encode(text), plusAsSpace: true) == text)
        }
    }
}
