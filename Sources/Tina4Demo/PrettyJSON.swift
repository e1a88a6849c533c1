import Tina4

/// JSON laid out for reading (`tina4 chat --json`): two spaces per level, keys in their order.
///
/// ```swift
/// PrettyJSON.format(["type": "pong", "n": [1, 2]])
/// // {
/// //   "type": "pong",
/// //   "n": [1, 2]     ← arrays of scalars stay on one line
/// // }
/// ```
enum PrettyJSON {
    static func format(_ value: JSON) -> String {
        var out = ""
        write(value, indent: "", into: &out)
        return out
    }

    private static func write(_ value: JSON, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch value {
        case .object(let object) where !object.isEmpty:
            out += "{\n"
            for (index, (key, member)) in object.enumerated() {
                out += inner + JSON.string(key).serialized() + ": "
                write(member, indent: inner, into: &out)
                out += index == object.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .array(let items) where items.contains(where: { $0.object != nil || $0.array != nil }):
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                write(item, indent: inner, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .array(let items):
            out += "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
        default:
            out += value.serialized()
        }
    }
}
