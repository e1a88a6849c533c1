import Testing
@testable import Tina4

/// The RESP2 codec without sockets: commands out, values in, in pieces of any size.
@Suite struct RESPCodecTests {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func decodeAll(_ input: [UInt8], chunk: Int, limits: RESPLimits = RESPLimits()) throws -> [RESPValue] {
        var decoder = RESPDecoder(limits: limits)
        var values: [RESPValue] = []
        var offset = 0
        while offset < input.count {
            let end = min(offset + chunk, input.count)
            decoder.feed(Array(input[offset..<end]))
            while let value = try decoder.next() { values.append(value) }
            offset = end
        }
        #expect(decoder.bufferedByteCount == 0)
        return values
    }

    @Test func aCommandIsAnArrayOfBulkStrings() {
        #expect(RESPEncoder.command("PUBLISH", "tina4:ws", "hi") == bytes("*3\r\n$7\r\nPUBLISH\r\n$8\r\ntina4:ws\r\n$2\r\nhi\r\n"))
        #expect(RESPEncoder.command([[0, 13, 10, 255]]) == bytes("*1\r\n$4\r\n") + [0, 13, 10, 255] + bytes("\r\n"))
        #expect(RESPEncoder.command("PING") == bytes("*1\r\n$4\r\nPING\r\n"))
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func everyTypeDecodesWhateverTheReadSize(chunk: Int) throws {
        let input = bytes("+OK\r\n-WRONGPASS invalid username-password pair\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n")
            + bytes("*3\r\n$7\r\nmessage\r\n$8\r\ntina4:ws\r\n$4\r\n") + [0, 13, 10, 0xFF] + bytes("\r\n")
            + bytes("*2\r\n*2\r\n:1\r\n*1\r\n+deep\r\n$-1\r\n:7\r\n")
        let values = try decodeAll(input, chunk: chunk)
        #expect(values == [
            .simpleString("OK"), .error("WRONGPASS invalid username-password pair"), .integer(-42),
            .bulkString(bytes("hello")), .bulkString([]), .bulkString(nil), .array(nil), .array([]),
            .array([.bulkString(bytes("message")), .bulkString(bytes("tina4:ws")), .bulkString([0, 13, 10, 0xFF])]),
            .array([.array([.integer(1), .array([.simpleString("deep")])]), .bulkString(nil)]),
            .integer(7),
        ])
    }

    @Test func aBigBulkStringArrivingInSmallPiecesIsCopiedOnce() throws {
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let input = bytes("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$\(payload.count)\r\n") + payload + bytes("\r\n")
        let values = try decodeAll(input, chunk: 4096)
        #expect(values == [.array([.bulkString(bytes("message")), .bulkString(bytes("c")), .bulkString(payload)])])
    }

    @Test func aValueIsNotReturnedBeforeItsLastByte() throws {
        var decoder = RESPDecoder()
        decoder.feed(bytes("*2\r\n$3\r\nab"))
        #expect(try decoder.next() == nil)
        decoder.feed(bytes("c\r"))
        #expect(try decoder.next() == nil)
        decoder.feed(bytes("\n:5\r"))
        #expect(try decoder.next() == nil)
        decoder.feed(bytes("\n+next"))
        #expect(try decoder.next() == .array([.bulkString(bytes("abc")), .integer(5)]))
        #expect(try decoder.next() == nil)
        decoder.feed(bytes("\r\n"))
        #expect(try decoder.next() == .simpleString("next"))
    }

    @Test(arguments: [
        ("!oops\r\n", "unknown type byte 0x21 (RESP2 has + - : $ *)"),
        (":12a\r\n", "bad integer '12a'"),
        ("$-2\r\n", "bad bulk length '-2'"),
        ("$3\r\nabcd\r\n", "bulk string of 3 bytes not followed by CRLF"),
        ("+OK\n", "line ends with LF without CR"),
        ("*x\r\n", "bad array length 'x'"),
        (":99999999999999999999\r\n", "bad integer '99999999999999999999'"),
    ])
    func brokenStreamsAreSpecificErrors(input: String, message: String) {
        var decoder = RESPDecoder()
        decoder.feed(bytes(input))
        #expect(throws: RESPError(message: message)) { try decoder.next() }
        #expect(throws: RESPError(message: message)) { try decoder.next() }   // stays failed
    }

    @Test func sizesAreBounded() {
        var limits = RESPLimits()
        limits.maxBulkBytes = 10
        limits.maxArrayCount = 3
        limits.maxDepth = 2
        limits.maxLineBytes = 8
        limits.maxValueBytes = 20
        func error(_ input: String) -> RESPError? {
            var decoder = RESPDecoder(limits: limits)
            decoder.feed(Array(input.utf8))
            do { _ = try decoder.next(); return nil } catch { return error }
        }
        #expect(error("$11\r\n") == RESPError(message: "bulk string of 11 bytes exceeds the 10-byte limit"))
        #expect(error("*4\r\n") == RESPError(message: "array of 4 elements exceeds the 3-element limit"))
        #expect(error("*1\r\n*1\r\n*1\r\n") == RESPError(message: "arrays nested deeper than 2"))
        #expect(error("+0123456789abc") == RESPError(message: "line longer than 8 bytes"))
        #expect(error("*3\r\n$9\r\n123456789\r\n$9\r\n123456789\r\n$9\r\n") == RESPError(message: "value larger than 20 bytes"))
        #expect(error("$10\r\n0123456789\r\n") == nil)
    }
}
