/// A JSON value whose objects keep their keys in insertion order.
///
/// It is the value type of request bodies, of `sendJson`, and of Frond template data:
/// ```swift
/// let reply: JSON = ["type": "welcome", "online": 3, "tags": ["a", "b"]]
/// reply["online"]?.int        // 3
/// reply.serialized()          // {"type":"welcome","online":3,"tags":["a","b"]}
/// ```
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

/// The members of a JSON object, in the order they were written or parsed.
///
/// Small objects (a chat message's handful of keys) are searched linearly; past
/// ``indexThreshold`` members a dictionary from key to position is kept as well, so looking up
/// and adding a member stay O(1) amortised however many keys a hostile body sends (Swift's
/// hashing is seeded per process). A key set twice keeps its first position and takes the new
/// value. Removing a member is O(count).
/// ```swift
/// var object: JSONObject = ["b": 1, "a": 2]
/// object["c"] = 3
/// object.keys                 // ["b", "a", "c"]
/// ```
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSON] = []
    /// The position of every key, once there are more than ``indexThreshold``; nil before.
    private var positions: [String: Int]?

    /// Up to this many members, lookups scan `keys` (cheaper than hashing for a few short keys).
    static let indexThreshold = 16

    public init() {}

    public init(dictionaryLiteral elements: (String, JSON)...) {
        for (key, value) in elements { self[key] = value }
    }

    public init(_ pairs: [(String, JSON)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key` in ``keys``, or nil.
    func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return keys.firstIndex(of: key)
    }

    /// The value for `key`, or nil; assigning nil removes the key.
    public subscript(key: String) -> JSON? {
        get { position(of: key).map { values[$0] } }
        set {
            if let index = position(of: key) {
                if let newValue { values[index] = newValue } else { remove(at: index) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if positions != nil {
                    positions?[key] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    indexKeys()
                }
            }
        }
    }

    private mutating func remove(at index: Int) {
        keys.remove(at: index)
        values.remove(at: index)
        if positions != nil {
            positions = nil
            if keys.count > Self.indexThreshold { indexKeys() }
        }
    }

    private mutating func indexKeys() {
        var index: [String: Int] = [:]
        index.reserveCapacity(keys.count * 2)
        for (position, key) in keys.enumerated() { index[key] = position }
        positions = index
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSON)> {
        var index = 0
        let keys = self.keys, values = self.values
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], values[index])
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs where rhs[key] != value { return false }
        return true
    }
}

// MARK: - Reading values

extension JSON {
    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSON? {
        get { if case .object(let object) = self { object[key] } else { nil } }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array; nil when out of range or not an array.
    public subscript(index: Int) -> JSON? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The string of a `.string`; nil otherwise.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The number of a `.number`; nil otherwise.
    public var double: Double? { if case .number(let n) = self { n } else { nil } }
    /// An integral `.number` that fits in `Int`, or a `.string` holding an integer; nil otherwise.
    public var int: Int? {
        switch self {
        case .number(let n) where n.rounded() == n && abs(n) < 9.007_199_254_740_992e15: Int(n)
        case .string(let s): Int(s)
        default: nil
        }
    }
    /// The value of a `.bool`; nil otherwise.
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The elements of an `.array`; nil otherwise.
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    /// The members of an `.object`; nil otherwise.
    public var object: JSONObject? { if case .object(let o) = self { o } else { nil } }
    /// True for `.null`.
    public var isNull: Bool { self == .null }

    /// The value as text for interpolation and templates: strings as they are, integral numbers
    /// without a fraction, `null` as an empty string, arrays and objects as JSON.
    public var text: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): JSON.format(number: n)
        case .string(let s): s
        case .array, .object: serialized()
        }
    }
}

extension JSON: CustomStringConvertible {
    /// Same as ``text``, so `"\(request.body["user_id"] ?? 0)"` reads naturally.
    public var description: String { text }
}

// MARK: - Literals

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
}

// MARK: - Conversions from Swift values

extension JSON {
    public init(_ value: String) { self = .string(value) }
    public init(_ value: Int) { self = .number(Double(value)) }
    public init(_ value: Double) { self = .number(value) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ values: [String: JSON]) {
        self = .object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
}
