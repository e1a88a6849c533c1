import Testing
@testable import Tina4

/// Deterministic mutation fuzzing: mutated requests, fed whole and in random splits, must never
/// crash, must only ever fail with an ``HTTPParseError`` of a known status, and must give the
/// same requests and error however they are split.
@Suite struct HTTPFuzzTests {
    static let seeds: [String] = [
        "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n",
        "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\na=1&b=two+wd",
        "PUT /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n",
        "GET http://h:80/p HTTP/1.1\r\nHost: h\r\n\r\nOPTIONS * HTTP/1.0\r\n\r\n",
        "\r\nDELETE /item/7 HTTP/1.0\nConnection: close\n\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok",
    ]

    static let interestingBytes: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x3A, 0x3B, 0x2C, 0x30, 0x66, 0x00, 0x7F, 0xFF, 0x25, 0x3F, 0x2F]
    static let knownStatuses: Set<Int> = [400, 413, 417, 431, 501, 505]

    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            let randomByte = Bool.random(using: &rng)
                ? interestingBytes.randomElement(using: &rng)!
                : UInt8.random(in: 0...255, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = randomByte
            case 1: bytes.insert(randomByte, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...12, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4: bytes.removeSubrange(position..<bytes.count)
            default:
                let other = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                if !bytes.isEmpty { bytes.swapAt(position, other) }
            }
        }
        return bytes
    }

    @Test func mutatedRequestsNeverCrashAndSplitsAgree() {
        var rng = SplitMix64(seed: 0x7134_5EED)
        let limits = HTTPParserLimits(maxHeaderBytes: 160, maxHeaderCount: 6, maxBodyBytes: 12)
        var mismatches: [String] = []
        var unknownStatuses: [Int] = []
        var parsed = 0
        var failed = 0
        for iteration in 0..<2000 {
            let seed = HTTPTestSupport.bytes(Self.seeds[iteration % Self.seeds.count])
            let bytes = Self.mutate(seed, using: &rng)
            let whole = HTTPTestSupport.run([bytes], limits: limits).withoutContinues
            let pieces = HTTPTestSupport.randomSplits(bytes, maxPiece: 1 + iteration % 23, using: &rng)
            let split = HTTPTestSupport.run(pieces, limits: limits).withoutContinues
            if whole != split { mismatches.append("#\(iteration): whole \(whole), split \(split)") }
            if let error = whole.error {
                failed += 1
                if !Self.knownStatuses.contains(error.status) { unknownStatuses.append(error.status) }
                #expect(!error.reason.isEmpty)
            }
            parsed += whole.requests.count
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
        #expect(unknownStatuses.isEmpty)
        // The mutations should exercise both outcomes.
        #expect(parsed > 200)
        #expect(failed > 200)
    }

    @Test func unmutatedSeedsParse() {
        let limits = HTTPParserLimits(maxHeaderBytes: 160, maxHeaderCount: 6, maxBodyBytes: 12)
        for seed in Self.seeds {
            let outcome = HTTPTestSupport.run(seed, limits: limits)
            #expect(outcome.error == nil, "\(seed)")
            #expect(!outcome.requests.isEmpty)
        }
    }
}
