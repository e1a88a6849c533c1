// The JSON parser (Sources/Tina4/JSON): any bytes either parse or throw a JSONParseError whose
// offset lies within the input; a parsed value serializes to text that parses back to the same
// value (also HTML-escaped), and serializing is stable.
import FuzzSupport
@testable import Tina4

runFuzzer { bytes in
    let value: JSON
    do throws(JSONParseError) {
        value = try JSON.parse(bytes)
    } catch {
        invariant(error.offset >= 0 && error.offset <= bytes.count,
                  "error offset \(error.offset) outside an input of \(bytes.count) bytes")
        return
    }
    let text = value.serializedBytes()
    let again: JSON
    do {
        again = try JSON.parse(text)
    } catch {
        invariant(false, "serialized JSON does not parse: \(error): \(String(decoding: text, as: UTF8.self))")
        return
    }
    invariant(again == value, "serialize → parse changed the value: \(String(decoding: text, as: UTF8.self))")
    invariant(again.serializedBytes() == text, "serializing is not stable")
    let escaped = value.serialized(escapeForHTML: true)
    invariant((try? JSON.parse(escaped)) == value, "HTML-escaped serialization parses to another value: \(escaped)")
    invariant(!escaped.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&") }),
              "HTML-escaped serialization contains < > or &: \(escaped)")
}
