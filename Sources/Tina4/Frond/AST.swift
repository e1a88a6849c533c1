/// A parsed template: its top-level nodes, every block it defines, and the parent it extends.
///
/// Immutable once built; the loader caches it and renders walk it.
final class Template {
    let name: String
    /// Kept to turn byte offsets into line and column when rendering fails.
    let source: [UInt8]
    let nodes: [Node]
    /// Every `{% block %}` in the template, at any depth, by name.
    let blocks: [String: [Node]]
    /// The expression of `{% extends … %}`, if any.
    let parent: Expr?

    init(name: String, source: [UInt8], nodes: [Node], blocks: [String: [Node]], parent: Expr?) {
        self.name = name
        self.source = source
        self.nodes = nodes
        self.blocks = blocks
        self.parent = parent
    }

    func error(_ message: String, at offset: Int) -> FrondError {
        FrondError(message, template: name, source: source, offset: offset)
    }
}

/// A statement of the template body.
enum Node {
    case text([UInt8])
    case output(Expr)
    /// `if` / `elseif` branches in order, then the `else` body (possibly empty).
    case branches([(condition: Expr, body: [Node])], otherwise: [Node])
    case loop(Loop)
    /// A place where the named block renders (`offset` is its tag); the bodies live in ``Template/blocks``.
    case block(String, offset: Int)
    case include(Include)
    case set(String, Expr)
    /// `{% set name %}…{% endset %}`, with the offset of its tag.
    case capture(String, [Node], offset: Int)
}

/// `{% for key, value in sequence %}body{% else %}otherwise{% endfor %}`.
struct Loop {
    var keyName: String?
    var valueName: String
    var sequence: Expr
    var body: [Node]
    var otherwise: [Node]
    /// The offset of the `{% for` tag.
    var offset: Int
    /// False when the body cannot see `loop`, so the renderer skips building it.
    var usesLoopVariable: Bool
}

/// `{% include template ignore missing with variables only %}`.
struct Include {
    var template: Expr
    var variables: Expr?
    var only: Bool
    var ignoreMissing: Bool
    var offset: Int
}

/// An expression node with its source offset and nesting depth (bounded, so evaluation cannot
/// exhaust the stack).
struct Expr {
    indirect enum Kind {
        case literal(JSON)
        case name(String)
        case attribute(Expr, String)
        case index(Expr, Expr)
        case list([Expr])
        case map([(key: Expr, value: Expr)])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case test(TestKind, Expr, negated: Bool)
        case filter(FilterKind, Expr, [Expr])
        case call(FunctionKind, [Expr])
        case conditional(Expr, Expr, Expr)
    }

    var kind: Kind
    var offset: Int
    var depth: Int
}

enum UnaryOperator {
    case not, negate, plus
}

/// Binary operators with Twig's precedence (higher binds tighter).
enum BinaryOperator: String {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case `in` = "in", notIn = "not in", startsWith = "starts with", endsWith = "ends with"
    case range = ".."
    case add = "+", subtract = "-"
    case concat = "~"
    case multiply = "*", divide = "/", floorDivide = "//", modulo = "%"
    case power = "**"
    case coalesce = "??"

    var precedence: Int {
        switch self {
        case .or: 10
        case .and: 15
        case .equal, .notEqual, .less, .greater, .lessOrEqual, .greaterOrEqual, .in, .notIn, .startsWith, .endsWith: 20
        case .range: 25
        case .add, .subtract: 30
        case .concat: 40
        case .multiply, .divide, .floorDivide, .modulo: 60
        case .power: 200
        case .coalesce: 300
        }
    }

    var isRightAssociative: Bool { self == .power || self == .coalesce }

    /// The precedence of `is` / `is not` tests.
    static let testPrecedence = 100
}

/// The tests of `x is …`.
enum TestKind {
    case defined, empty, null, even, odd, iterable

    init?(name: String) {
        switch name {
        case "defined": self = .defined
        case "empty": self = .empty
        case "null", "none": self = .null
        case "even": self = .even
        case "odd": self = .odd
        case "iterable": self = .iterable
        default: return nil
        }
    }
}

/// The functions callable in expressions.
enum FunctionKind: String {
    case parent, range

    var arity: ClosedRange<Int> {
        switch self {
        case .parent: 0...0
        case .range: 2...3
        }
    }
}
