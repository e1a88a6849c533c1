#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expression evaluation: variables, operators, tests and function calls. Filters are in `Filters.swift`.
extension Renderer {
    mutating func evaluate(_ expression: Expr) throws(FrondError) -> Value {
        switch expression.kind {
        case .literal(let json):
            return Value(json)
        case .name(let name):
            return variables[name] ?? .undefined
        case .attribute(let base, let name):
            return Self.member(of: try evaluate(base).json, name)
        case .index(let base, let key):
            let container = try evaluate(base).json
            let keyValue = try evaluate(key).json
            switch keyValue {
            case .string(let name): return Self.member(of: container, name)
            case .number(let n): return Self.member(of: container, JSON.format(number: n))
            default:
                throw error("cannot use \(Coerce.describe(keyValue)) as a key or index", at: key.offset)
            }
        case .list(let items):
            var values: [JSON] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item).json) }
            return Value(.array(values))
        case .map(let pairs):
            var object = JSONObject()
            for pair in pairs {
                let key = try evaluate(pair.key).json
                switch key {
                case .string, .number: object[key.text] = try evaluate(pair.value).json
                default: throw error("map keys must be strings or numbers, got \(Coerce.describe(key))", at: pair.key.offset)
                }
            }
            return Value(.object(object))
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            switch op {
            case .not: return Value(.bool(!value.isTruthy))
            case .negate, .plus:
                guard let n = Coerce.number(value.json) else {
                    throw error("unary '\(op == .negate ? "-" : "+")' needs a number, got \(Coerce.describe(value.json))",
                                at: expression.offset)
                }
                return Value(.number(op == .negate ? -n : n))
            }
        case .binary(let op, let left, let right):
            return try evaluateBinary(op, left, right, at: expression.offset)
        case .test(let test, let subject, let negated):
            let result = Self.passes(test, try evaluate(subject))
            return Value(.bool(result != negated))
        case .filter(let filter, let input, let arguments):
            let value = try evaluate(input)
            var values: [Value] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try evaluate(argument)) }
            return try apply(filter, to: value, values, at: expression.offset)
        case .call(.parent, _):
            guard let block else { throw error("parent() can only be used inside a block", at: expression.offset) }
            var saved: [UInt8] = []
            swap(&saved, &out)
            defer { swap(&saved, &out) }
            try renderBlock(block.name, from: block.level + 1, at: expression.offset, isParentCall: true)
            return Value(.string(String(decoding: out, as: UTF8.self)), safe: true)
        case .call(.range, let arguments):
            var bounds: [JSON] = []
            for argument in arguments { bounds.append(try evaluate(argument).json) }
            return try range(bounds[0], bounds[1], step: bounds.count > 2 ? bounds[2] : 1, at: expression.offset)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try evaluate(otherwise)
        }
    }

    /// `base.name`: a map member, or a list element when `name` is an index; undefined otherwise.
    static func member(of base: JSON, _ name: String) -> Value {
        switch base {
        case .object(let object): object[name].map { Value($0) } ?? .undefined
        case .array(let items): Int(name).flatMap { items.indices.contains($0) ? Value(items[$0]) : nil } ?? .undefined
        default: .undefined
        }
    }

    static func passes(_ test: TestKind, _ value: Value) -> Bool {
        switch test {
        case .defined: value.isDefined
        case .empty: value.isEmpty
        case .null: value.json == .null
        case .even: Coerce.integer(value.json).map { $0 % 2 == 0 } ?? false
        case .odd: Coerce.integer(value.json).map { $0 % 2 != 0 } ?? false
        case .iterable: value.json.array != nil || value.json.object != nil
        }
    }

    // MARK: - Binary operators

    private mutating func evaluateBinary(_ op: BinaryOperator, _ leftExpression: Expr, _ rightExpression: Expr,
                                         at offset: Int) throws(FrondError) -> Value {
        let left = try evaluate(leftExpression)
        switch op {
        case .and:
            guard left.isTruthy else { return Value(false) }
            return Value(.bool(try evaluate(rightExpression).isTruthy))
        case .or:
            guard !left.isTruthy else { return Value(true) }
            return Value(.bool(try evaluate(rightExpression).isTruthy))
        case .coalesce:
            guard left.json == .null else { return left }
            return try evaluate(rightExpression)
        default: break
        }
        let a = left.json, b = try evaluate(rightExpression).json
        switch op {
        case .equal: return Value(.bool(Coerce.looseEquals(a, b)))
        case .notEqual: return Value(.bool(!Coerce.looseEquals(a, b)))
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let order = Coerce.compare(a, b) else {
                throw error("cannot compare \(Coerce.kindName(a)) with \(Coerce.kindName(b)) using '\(op.rawValue)'", at: offset)
            }
            let result = switch op {
            case .less: order < 0
            case .greater: order > 0
            case .lessOrEqual: order <= 0
            default: order >= 0
            }
            return Value(.bool(result))
        case .in: return Value(.bool(Self.contains(b, a)))
        case .notIn: return Value(.bool(!Self.contains(b, a)))
        case .startsWith: return Value(.bool(a.text.hasPrefix(b.text)))
        case .endsWith: return Value(.bool(a.text.hasSuffix(b.text)))
        case .concat: return Value(.string(a.text + b.text))
        case .range: return try range(a, b, step: 1, at: offset)
        default: return try arithmetic(op, a, b, at: offset)
        }
    }

    /// `needle in haystack`: a substring of a string, an element of a list, a key of a map.
    static func contains(_ haystack: JSON, _ needle: JSON) -> Bool {
        switch haystack {
        case .string(let text):
            switch needle {
            case .string, .number: ByteText.contains(text, needle.text)
            default: false
            }
        case .array(let items): items.contains { Coerce.looseEquals($0, needle) }
        case .object(let object):
            switch needle {
            case .string, .number: object[needle.text] != nil
            default: false
            }
        default: false
        }
    }

    private func arithmetic(_ op: BinaryOperator, _ a: JSON, _ b: JSON, at offset: Int) throws(FrondError) -> Value {
        guard let x = Coerce.number(a), let y = Coerce.number(b) else {
            let bad = Coerce.number(a) == nil ? a : b
            throw error("'\(op.rawValue)' needs numbers, got \(Coerce.describe(bad))", at: offset)
        }
        switch op {
        case .add: return Value(.number(x + y))
        case .subtract: return Value(.number(x - y))
        case .multiply: return Value(.number(x * y))
        case .power: return Value(.number(pow(x, y)))
        default: break
        }
        guard y != 0 else { throw error("division by zero", at: offset) }
        switch op {
        case .divide: return Value(.number(x / y))
        case .floorDivide: return Value(.number((x / y).rounded(.down)))
        default:
            // PHP's `%` works on integers; fractions fall back to the truncating remainder.
            if let i = Coerce.integer(a), let j = Coerce.integer(b) { return Value(.number(Double(i % j))) }
            return Value(.number(x.truncatingRemainder(dividingBy: y)))
        }
    }

    static let maxRange = 100_000

    /// `low..high` or `range(low, high, step)`: integers from low to high inclusive, counting down
    /// when high < low, at most ``maxRange`` of them.
    func range(_ low: JSON, _ high: JSON, step: JSON, at offset: Int) throws(FrondError) -> Value {
        guard let from = Coerce.integer(low), let to = Coerce.integer(high), let rawStep = Coerce.integer(step) else {
            throw error("range bounds and step must be integers", at: offset)
        }
        guard rawStep != 0 else { throw error("range step cannot be zero", at: offset) }
        let stride = from <= to ? abs(rawStep) : -abs(rawStep)
        let count = (to - from) / stride + 1
        guard count <= Self.maxRange else {
            throw error("range of \(count) items exceeds the limit of \(Self.maxRange)", at: offset)
        }
        var items: [JSON] = []
        items.reserveCapacity(count)
        for k in 0..<count { items.append(.number(Double(from + k * stride))) }
        return Value(.array(items))
    }
}
