import Testing
@testable import Tina4

@Suite("WebSocket SHA-1 and Base64")
struct WebSocketSHA1Base64Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    @Test("FIPS 180 test vectors", arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "a49b2446a02c645bf419f995b67091253a04a259"),
    ])
    func vectors(input: String, digest: String) {
        #expect(Self.hex(SHA1.hash(utf8(input))) == digest)
    }

    @Test func oneMillionAs() {
        #expect(Self.hex(SHA1.hash([UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("padding boundaries", arguments: [55, 56, 57, 63, 64, 65, 119, 120, 128])
    func paddingBoundaries(length: Int) {
        // Hashing the same bytes through the array and the raw-buffer entry points agrees,
        // and differs from the digest of one byte more (no length mix-ups at the edges).
        let bytes = [UInt8](repeating: 0x5A, count: length)
        #expect(SHA1.hash(bytes) == bytes.withUnsafeBytes { SHA1.hash($0) })
        #expect(SHA1.hash(bytes) != SHA1.hash(bytes + [0x5A]))
        #expect(SHA1.hash(bytes).count == 20)
    }

    @Test("RFC 4648 vectors", arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(utf8(plain)) == encoded)
        #expect(Base64.decode(encoded) == utf8(plain))
        let unpadded = String(encoded.filter { $0 != "=" })
        #expect(Base64.encodeURLSafe(utf8(plain)) == unpadded)
        #expect(Base64.decodeURLSafe(unpadded) == utf8(plain))
    }

    @Test func urlSafeAlphabet() {
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.encodeURLSafe([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64.decodeURLSafe("-_-_") == [0xFB, 0xFF, 0xBF])
        #expect(Base64.decodeURLSafe("+/+/") == nil)
        #expect(Base64.decode("-_-_") == nil)
    }

    @Test("strict decoding rejects", arguments: ["Zg", "Zg=", "Zm8", "Z===", "Zg==Zg==", "Z=g=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "====", "Zm9v=", "é==="])
    func strictRejects(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("URL-safe decoding rejects", arguments: ["Z", "Zg==", "Zh", "Zm9", "a=bc", "Zm9vY"])
    func urlSafeRejects(text: String) {
        #expect(Base64.decodeURLSafe(text) == nil)
    }

    @Test func roundTripsAllLengths() {
        var rng = SplitMix64(seed: 11)
        for length in 0..<70 {
            let bytes = randomBytes(length, using: &rng)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decodeURLSafe(Base64.encodeURLSafe(bytes)) == bytes)
        }
    }
}
