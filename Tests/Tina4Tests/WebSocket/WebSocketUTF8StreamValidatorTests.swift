import Testing
@testable import Tina4

@Suite("WebSocket UTF8StreamValidator")
struct WebSocketUTF8StreamValidatorTests {
    static let valid: [[UInt8]] = [
        [],
        utf8("hello, world"),
        utf8("a much longer ASCII string that spans several 8-byte words!"),
        utf8("κόσμε"),
        utf8("日本語のテキスト and ASCII mixed 🎉🎉 done"),
        [0x7F], [0xC2, 0x80], [0xDF, 0xBF],                   // U+007F, U+0080, U+07FF
        [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],               // U+0800, U+D7FF
        [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],               // U+E000, U+FFFF
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],   // U+10000, U+10FFFF
    ]

    static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF],           // stray continuation, overlong 2-byte
        [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],               // overlong 3-byte
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],               // surrogates
        [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],   // overlong 4-byte
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],   // above U+10FFFF
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF],
        [0xC2, 0x41], [0xE2, 0x82, 0x41],                     // sequence cut by ASCII
        utf8("abcdefg") + [0xFF], utf8("abcdefgh") + [0xFF], utf8("abcdefghijklmnop") + [0xC0, 0xAF],
    ]

    @Test("valid sequences pass and end at a boundary", arguments: valid)
    func acceptsValid(bytes: [UInt8]) {
        var validator = UTF8StreamValidator()
        let fed1 = validator.feed(bytes)
        #expect(fed1)
        #expect(validator.isAtBoundary)
    }

    @Test("invalid sequences fail", arguments: invalid)
    func rejectsInvalid(bytes: [UInt8]) {
        var validator = UTF8StreamValidator()
        let fed2 = validator.feed(bytes)
        #expect(!fed2)
        #expect(!validator.isAtBoundary)
        #expect(validator.hasFailed)
    }

    @Test func truncatedSequenceIsValidSoFarButNotAtBoundary() {
        var validator = UTF8StreamValidator()
        let fed3 = validator.feed([0x41, 0xF0, 0x9F, 0x8E])
        #expect(fed3)
        #expect(!validator.isAtBoundary)
        let fed4 = validator.feed([0x89])
        #expect(fed4)
        #expect(validator.isAtBoundary)
    }

    @Test func failsAtTheFirstImpossibleByteWithoutWaiting() {
        var validator = UTF8StreamValidator()
        let fed5 = validator.feed(utf8("abc"))
        #expect(fed5)
        let fed6 = validator.feed([0xFF])
        #expect(!fed6)
        let afterFailure = validator.feed(utf8("more ascii"))
        #expect(!afterFailure)                         // failure is sticky
    }

    @Test func everySplitOfAMixedStringAgreesWithTheWhole() {
        let bytes = utf8("ascii then κόσμε then 日本 then 🎉 end")
        for cut in 0...bytes.count {
            var validator = UTF8StreamValidator()
            let fed7 = validator.feed(Array(bytes[..<cut]))
            #expect(fed7)
            let fed8 = validator.feed(Array(bytes[cut...]))
            #expect(fed8)
            #expect(validator.isAtBoundary)
        }
    }

    @Test func agreesWithTheStandardLibraryOnRandomInput() {
        var rng = SplitMix64(seed: 42)
        let pieces: [[UInt8]] = [utf8("ab"), utf8("é"), utf8("€"), utf8("🎉"), [0x80], [0xC0], [0xED, 0xA0], [0xF4, 0x90], [0xFF], [0xE2, 0x82], utf8("12345678")]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                bytes += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            var validator = UTF8StreamValidator()
            let cut = Int.random(in: 0...bytes.count, using: &rng)
            let ok = validator.feed(Array(bytes[..<cut])) && validator.feed(Array(bytes[cut...])) && validator.isAtBoundary
            #expect(ok == expected, "\(bytes)")
        }
    }

    @Test func nonASCIIAtEveryPositionOfAWord() {
        for position in 0..<24 {
            var bytes = [UInt8](repeating: 0x61, count: 24)
            bytes[position] = 0xFF
            #expect(!UTF8StreamValidator.isValid(bytes))
            bytes[position] = 0xC3
            bytes.insert(0xA9, at: position + 1)
            #expect(UTF8StreamValidator.isValid(bytes))
        }
    }

    @Test func resetForgetsAFailure() {
        var validator = UTF8StreamValidator()
        let fed9 = validator.feed([0xFF])
        #expect(!fed9)
        validator.reset()
        let fed10 = validator.feed(utf8("ok"))
        #expect(fed10)
        #expect(validator.isAtBoundary)
    }
}
