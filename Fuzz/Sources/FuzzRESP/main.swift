// The RESP2 decoder (Sources/Tina4/Backplane/RESPDecoder.swift) on arbitrary bytes: fed whole or
// in pieces it returns the same values and the same error; what it buffers never exceeds what it
// was given; every decoded value re-encodes to bytes that decode to the same value.
import FuzzSupport
@testable import Tina4

/// Small limits, so inputs of a few KiB reach every limit check.
let smallLimits: RESPLimits = {
    var limits = RESPLimits()
    limits.maxLineBytes = 64
    limits.maxBulkBytes = 512
    limits.maxArrayCount = 64
    limits.maxDepth = 4
    limits.maxValueBytes = 2048
    return limits
}()

/// Decodes `pieces` in order: the values, then the error if one ended the stream.
func decode(_ pieces: [UnsafeRawBufferPointer], given total: Int, limits: RESPLimits) -> (values: [RESPValue], error: RESPError?) {
    var decoder = RESPDecoder(limits: limits)
    var values: [RESPValue] = []
    var fed = 0
    do throws(RESPError) {
        for piece in pieces {
            decoder.feed(piece)
            fed += piece.count
            while let value = try decoder.next() { values.append(value) }
            invariant(decoder.bufferedByteCount <= fed, "buffers \(decoder.bufferedByteCount) bytes of \(fed) fed")
        }
    } catch {
        return (values, error)
    }
    invariant(fed == total, "fed \(fed) of \(total) bytes")
    return (values, nil)
}

/// RESP2 bytes for `value` (the encoder of the commands Tina4 sends covers arrays of bulk strings only).
func encode(_ value: RESPValue, into out: inout [UInt8]) {
    func line(_ type: Character, _ text: String) {
        out.append(contentsOf: "\(type)\(text)\r\n".utf8)
    }
    switch value {
    case .simpleString(let text): line("+", text)
    case .error(let text): line("-", text)
    case .integer(let n): line(":", String(n))
    case .bulkString(nil): line("$", "-1")
    case .bulkString(let bytes?):
        line("$", String(bytes.count))
        out.append(contentsOf: bytes)
        out.append(contentsOf: [13, 10])
    case .array(nil): line("*", "-1")
    case .array(let items?):
        line("*", String(items.count))
        for item in items { encode(item, into: &out) }
    }
}

runFuzzer { bytes in
    let whole = decode([bytes], given: bytes.count, limits: smallLimits)
    let split = decode(Splits.pieces(of: bytes), given: bytes.count, limits: smallLimits)
    invariant(whole.values == split.values, "fed in pieces, the values differ")
    invariant((whole.error == nil) == (split.error == nil), "fed in pieces, \(String(describing: whole.error)) became \(String(describing: split.error))")
    guard !whole.values.isEmpty else { return }
    var encoded: [UInt8] = []
    for value in whole.values { encode(value, into: &encoded) }
    // Default limits: repairing invalid UTF-8 in a simple string may lengthen its line.
    let again = encoded.withUnsafeBytes { decode([$0], given: encoded.count, limits: RESPLimits()) }
    invariant(again.error == nil && again.values == whole.values, "decode(encode(v)) != v: \(String(describing: again.error))")
}
