import Testing
@testable import Tina4

/// Inputs `scripts/fuzz` found (FuzzRESP), kept as byte vectors.
@Suite struct RESPFuzzFindingsTests {
    /// Decodes `input` fed in pieces of `chunk` bytes: the values, then the error that ended it.
    private func decode(_ input: [UInt8], chunk: Int, limits: RESPLimits) -> (values: [RESPValue], error: RESPError?) {
        var decoder = RESPDecoder(limits: limits)
        var values: [RESPValue] = []
        var offset = 0
        do {
            while offset < input.count {
                let end = min(offset + chunk, input.count)
                decoder.feed(Array(input[offset..<end]))
                while let value = try decoder.next() { values.append(value) }
                offset = end
            }
        } catch {
            return (values, error)
        }
        return (values, nil)
    }

    /// FuzzRESP: a 100-byte simple string under a 64-byte line limit was accepted when its
    /// line arrived in one read and refused when it arrived in pieces (the limit was checked
    /// only on an incomplete line). It is refused however the reads split.
    @Test(arguments: [1, 7, 64, 1000])
    func theLineLimitHoldsWhateverTheReadSize(chunk: Int) {
        let input: [UInt8] = [
            0x2B, 0x00, 0x00, 0x00, 0x00, 0x00, 0xD1, 0x00, 0x00, 0x44, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
            0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
            0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
            0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
            0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x55, 0x6E, 0x73, 0x61, 0x66, 0x65, 0x4D,
            0x75, 0x08, 0x08, 0x08, 0x08, 0x00, 0x00, 0x4A, 0x44, 0x6F, 0x75, 0x0D, 0x0A, 0x53, 0x65, 0x74, 0x00, 0x00,
        ]
        var limits = RESPLimits()
        limits.maxLineBytes = 64
        let result = decode(input, chunk: chunk, limits: limits)
        #expect(result.values == [])
        #expect(result.error == RESPError(message: "line longer than 64 bytes"))
    }

    /// A line of exactly the limit passes, in one read or byte by byte; one byte more does not.
    @Test(arguments: [1, 1000])
    func aLineOfTheLimitPassesAndOneMoreDoesNot(chunk: Int) {
        var limits = RESPLimits()
        limits.maxLineBytes = 8
        let fits = decode(Array("+12345678\r\n".utf8), chunk: chunk, limits: limits)
        #expect(fits.values == [.simpleString("12345678")] && fits.error == nil)
        let over = decode(Array("+123456789\r\n".utf8), chunk: chunk, limits: limits)
        #expect(over.values == [] && over.error == RESPError(message: "line longer than 8 bytes"))
    }
}
