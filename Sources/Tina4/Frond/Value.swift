/// A value during rendering: JSON data, whether it is already safe HTML, and whether it exists at all
/// (so `is defined` can tell a missing variable from `null`).
struct Value {
    var json: JSON
    var isSafe = false
    var isDefined = true

    init(_ json: JSON, safe: Bool = false) {
        self.json = json
        self.isSafe = safe
    }

    static let undefined: Value = {
        var value = Value(.null)
        value.isDefined = false
        return value
    }()

    /// Twig truthiness: null, false, 0, `""`, `"0"`, empty lists and maps are false.
    var isTruthy: Bool {
        switch json {
        case .null: false
        case .bool(let b): b
        case .number(let n): n != 0 && !n.isNaN
        case .string(let s): !s.isEmpty && s != "0"
        case .array(let items): !items.isEmpty
        case .object(let object): !object.isEmpty
        }
    }

    /// Twig's `empty`: undefined, null, false, `""`, and empty lists and maps (but not 0).
    var isEmpty: Bool {
        switch json {
        case .null: true
        case .bool(let b): !b
        case .number: false
        case .string(let s): s.isEmpty
        case .array(let items): items.isEmpty
        case .object(let object): object.isEmpty
        }
    }
}

/// Conversions between JSON kinds used by operators and filters.
enum Coerce {
    /// A number from a number, a bool, null (0) or a numeric string; nil otherwise.
    static func number(_ value: JSON) -> Double? {
        switch value {
        case .number(let n): n
        case .bool(let b): b ? 1 : 0
        case .null: 0
        case .string(let s): numericString(s)
        case .array, .object: nil
        }
    }

    /// The number a string spells in decimal notation (`"42"`, `" -1.5e3 "`), or nil.
    static func numericString(_ text: String) -> Double? {
        let trimmed = trimmingSpaces(text)
        guard !trimmed.isEmpty else { return nil }
        var sawDigit = false
        for byte in trimmed.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
        }
        return sawDigit ? Double(trimmed) : nil
    }

    static func trimmingSpaces(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// An integer from an integral number or numeric string.
    static func integer(_ value: JSON) -> Int? {
        guard let n = number(value), n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 else { return nil }
        return Int(n)
    }

    /// `==` as in Twig on PHP 8: numbers equal numeric strings that spell them, bools compare truthiness.
    static func looseEquals(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.number(let x), .string(let s)), (.string(let s), .number(let x)):
            guard let y = numericString(s) else { return false }
            return x == y
        case (.bool(let x), _): return x == Value(b).isTruthy
        case (_, .bool(let y)): return Value(a).isTruthy == y
        default: return a == b
        }
    }

    /// The order of two values, or nil when they cannot be compared (e.g. a list and a string).
    static func compare(_ a: JSON, _ b: JSON) -> Int? {
        if case .string(let x) = a, case .string(let y) = b {
            if let m = numericString(x), let n = numericString(y) { return m < n ? -1 : (m > n ? 1 : 0) }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        guard let m = number(a), let n = number(b) else { return nil }
        return m < n ? -1 : (m > n ? 1 : 0)
    }

    /// A total order for `sort`: null < booleans < numbers < strings < lists < maps.
    static func sortsBefore(_ a: JSON, _ b: JSON) -> Bool {
        func rank(_ value: JSON) -> Int {
            switch value {
            case .null: 0
            case .bool: 1
            case .number: 2
            case .string: 3
            case .array: 4
            case .object: 5
            }
        }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return !x && y
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x < y
        case (.array(let x), .array(let y)): return x.count < y.count
        case (.object(let x), .object(let y)): return x.count < y.count
        default: return rank(a) < rank(b)
        }
    }

    /// The kind of a value as error messages name it.
    static func kindName(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "map"
        }
    }

    /// A value described for an error message: `string "abc"`, `list`, `number 3`.
    static func describe(_ value: JSON) -> String {
        switch value {
        case .string(let s): "string \(JSON.string(s.count > 40 ? String(s.prefix(40)) + "…" : s).serialized())"
        case .number(let n): "number \(JSON.format(number: n))"
        case .bool(let b): "boolean \(b)"
        default: kindName(value)
        }
    }
}
