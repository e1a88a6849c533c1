/// A Swift value with a natural JSON form, so dictionary literals can mix them:
/// ```swift
/// connection.sendJson(["type": "welcome", "your_id": connection.id, "online": connection.connectionCount])
/// ```
public protocol JSONConvertible {
    /// The value as JSON.
    var jsonValue: JSON { get }
}

extension JSON: JSONConvertible { public var jsonValue: JSON { self } }
extension JSONObject: JSONConvertible { public var jsonValue: JSON { .object(self) } }
extension String: JSONConvertible { public var jsonValue: JSON { .string(self) } }
extension Substring: JSONConvertible { public var jsonValue: JSON { .string(String(self)) } }
extension Bool: JSONConvertible { public var jsonValue: JSON { .bool(self) } }
extension Int: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }
extension Int64: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }
extension Int32: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }
extension UInt: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }
extension UInt64: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }
extension Double: JSONConvertible { public var jsonValue: JSON { .number(self) } }
extension Float: JSONConvertible { public var jsonValue: JSON { .number(Double(self)) } }

extension Optional: JSONConvertible where Wrapped: JSONConvertible {
    public var jsonValue: JSON { self?.jsonValue ?? .null }
}

extension Array: JSONConvertible where Element: JSONConvertible {
    public var jsonValue: JSON { .array(map(\.jsonValue)) }
}

extension Dictionary: JSONConvertible where Key == String, Value: JSONConvertible {
    /// Keys are sorted, since a dictionary has no order of its own.
    public var jsonValue: JSON {
        .object(JSONObject(sorted { $0.key < $1.key }.map { ($0.key, $0.value.jsonValue) }))
    }
}

extension JSON {
    /// An object from literal pairs of any convertible values, in the order written.
    /// ```swift
    /// let reply = JSON(["message": "Order shipped", "delivered": delivered])
    /// ```
    public init(_ pairs: KeyValuePairs<String, any JSONConvertible>) {
        self = .object(JSONObject(pairs.map { ($0.key, $0.value.jsonValue) }))
    }
}
