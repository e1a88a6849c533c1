/// Expressions, by precedence climbing with Twig's operator table:
/// `or` < `and` < comparisons, `in`, `starts with` < `..` < `+ -` < `~` < `* / // %` < `is` < `**` < `??`,
/// unary `not` binding like 50 and unary `-`/`+` like 500, filters binding tightest of all, and
/// `a ? b : c` (also `a ?: b`) around the whole.
extension Parser {
    private enum Operator {
        case binary(BinaryOperator)
        case test(negated: Bool)

        var precedence: Int {
            switch self {
            case .binary(let op): op.precedence
            case .test: BinaryOperator.testPrecedence
            }
        }
    }

    /// Parses an expression whose operators all bind at least as tightly as `minimum`.
    mutating func parseExpression(minimum: Int = 0) throws(FrondError) -> Expr {
        expressionDepth += 1
        defer { expressionDepth -= 1 }
        guard expressionDepth <= Self.maxExpressionDepth else {
            throw error("expression nested more than \(Self.maxExpressionDepth) deep", at: current.offset)
        }
        var left = try parseUnary()
        while let (op, width) = peekOperator(), op.precedence >= minimum {
            let offset = current.offset
            for _ in 0..<width { advance() }
            switch op {
            case .test(let negated):
                left = try parseTest(left, negated: negated, at: offset)
            case .binary(let binary):
                let right = try parseExpression(minimum: binary.isRightAssociative ? binary.precedence : binary.precedence + 1)
                left = try make(.binary(binary, left, right), at: offset, [left, right])
            }
        }
        if minimum == 0 && isPunct("?") { return try parseConditional(left) }
        return left
    }

    private func peekOperator() -> (Operator, width: Int)? {
        switch current.kind {
        case .punct(let symbol):
            guard let op = BinaryOperator(rawValue: symbol) else { return nil }
            return (.binary(op), 1)
        case .name(let word):
            let next = peek(1).kind
            switch word {
            case "or": return (.binary(.or), 1)
            case "and": return (.binary(.and), 1)
            case "in": return (.binary(.in), 1)
            case "not" where next == .name("in"): return (.binary(.notIn), 2)
            case "starts" where next == .name("with"): return (.binary(.startsWith), 2)
            case "ends" where next == .name("with"): return (.binary(.endsWith), 2)
            case "is": return next == .name("not") ? (.test(negated: true), 2) : (.test(negated: false), 1)
            default: return nil
            }
        default: return nil
        }
    }

    private mutating func parseTest(_ subject: Expr, negated: Bool, at offset: Int) throws(FrondError) -> Expr {
        let (testName, nameOffset) = try expectName("a test name after 'is'")
        guard let test = TestKind(name: testName) else { throw error("unknown test '\(testName)'", at: nameOffset) }
        if isPunct("(") { throw error("test '\(testName)' takes no arguments", at: current.offset) }
        return try make(.test(test, subject, negated: negated), at: offset, [subject])
    }

    private mutating func parseConditional(_ condition: Expr) throws(FrondError) -> Expr {
        let offset = current.offset
        advance()
        if isPunct(":") {  // `a ?: b`
            advance()
            let otherwise = try parseExpression()
            return try make(.conditional(condition, condition, otherwise), at: offset, [condition, otherwise])
        }
        let then = try parseExpression()
        var otherwise = Expr(kind: .literal(""), offset: offset, depth: 1)
        if isPunct(":") {
            advance()
            otherwise = try parseExpression()
        }
        return try make(.conditional(condition, then, otherwise), at: offset, [condition, then, otherwise])
    }

    private mutating func parseUnary() throws(FrondError) -> Expr {
        let offset = current.offset
        if isName("not") {
            advance()
            let operand = try parseExpression(minimum: 50)
            return try make(.unary(.not, operand), at: offset, [operand])
        }
        if isPunct("-") || isPunct("+") {
            let negate = isPunct("-")
            advance()
            let operand = try parseExpression(minimum: 500)
            if negate, case .literal(.number(let value)) = operand.kind {
                return Expr(kind: .literal(.number(-value)), offset: offset, depth: 1)
            }
            return try make(.unary(negate ? .negate : .plus, operand), at: offset, [operand])
        }
        return try parsePostfix(try parsePrimary())
    }

    // MARK: - Primary expressions

    private mutating func parsePrimary() throws(FrondError) -> Expr {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return Expr(kind: .literal(.number(value)), offset: token.offset, depth: 1)
        case .string(let value):
            advance()
            return Expr(kind: .literal(.string(value)), offset: token.offset, depth: 1)
        case .name(let word):
            advance()
            switch word {
            case "true", "True", "TRUE": return Expr(kind: .literal(true), offset: token.offset, depth: 1)
            case "false", "False", "FALSE": return Expr(kind: .literal(false), offset: token.offset, depth: 1)
            case "null", "Null", "NULL", "none", "None", "NONE": return Expr(kind: .literal(nil), offset: token.offset, depth: 1)
            default: break
            }
            if isPunct("(") { return try parseCall(word, at: token.offset) }
            if word == "loop" { loopReferences += 1 }
            return Expr(kind: .name(word), offset: token.offset, depth: 1)
        case .punct("("):
            advance()
            let inner = try parseExpression()
            try expectPunct(")", context: " to close '('")
            return inner
        case .punct("["):
            advance()
            let items = try parseList(closingWith: "]")
            return try make(.list(items), at: token.offset, items)
        case .punct("{"):
            return try parseMap()
        default:
            throw error("expected an expression, found \(token.kind.display)", at: token.offset)
        }
    }

    /// Comma-separated expressions up to `closing` (a trailing comma is allowed); consumes `closing`.
    private mutating func parseList(closingWith closing: String) throws(FrondError) -> [Expr] {
        var items: [Expr] = []
        while !isPunct(closing) {
            items.append(try parseExpression())
            if isPunct(",") { advance() } else { break }
        }
        try expectPunct(closing)
        return items
    }

    private mutating func parseMap() throws(FrondError) -> Expr {
        let offset = current.offset
        advance()
        var pairs: [(key: Expr, value: Expr)] = []
        var children: [Expr] = []
        while !isPunct("}") {
            let token = current
            let key: Expr
            switch token.kind {
            case .string(let text), .name(let text):
                advance()
                key = Expr(kind: .literal(.string(text)), offset: token.offset, depth: 1)
            case .number(let value):
                advance()
                key = Expr(kind: .literal(.string(JSON.format(number: value))), offset: token.offset, depth: 1)
            case .punct("("):
                advance()
                key = try parseExpression()
                try expectPunct(")", context: " to close '('")
            default:
                throw error("expected a map key, found \(token.kind.display)", at: token.offset)
            }
            try expectPunct(":", context: " after a map key")
            let value = try parseExpression()
            pairs.append((key, value))
            children.append(contentsOf: [key, value])
            if isPunct(",") { advance() } else { break }
        }
        try expectPunct("}")
        return try make(.map(pairs), at: offset, children)
    }

    private mutating func parseCall(_ function: String, at offset: Int) throws(FrondError) -> Expr {
        guard let kind = FunctionKind(rawValue: function) else { throw error("unknown function '\(function)'", at: offset) }
        advance()
        let arguments = try parseList(closingWith: ")")
        guard kind.arity.contains(arguments.count) else {
            throw error("function '\(function)' \(Self.arityText(kind.arity)), got \(arguments.count)", at: offset)
        }
        if kind == .parent && openBlocks == 0 { throw error("parent() can only be used inside a block", at: offset) }
        return try make(.call(kind, arguments), at: offset, arguments)
    }

    // MARK: - Postfix: attributes, subscripts, filters

    private mutating func parsePostfix(_ base: Expr) throws(FrondError) -> Expr {
        var value = base
        while true {
            let offset = current.offset
            if isPunct(".") {
                advance()
                let attribute: String
                switch current.kind {
                case .name(let word): attribute = word
                case .number(let number) where number.rounded() == number: attribute = JSON.format(number: number)
                default: throw error("expected an attribute name after '.', found \(current.kind.display)", at: current.offset)
                }
                advance()
                if isPunct("(") { throw error("method calls are not supported ('\(attribute)(…)')", at: current.offset) }
                value = try make(.attribute(value, attribute), at: offset, [value])
            } else if isPunct("[") {
                advance()
                let key = try parseExpression()
                try expectPunct("]", context: " to close '['")
                value = try make(.index(value, key), at: offset, [value, key])
            } else if isPunct("|") {
                advance()
                value = try parseFilter(value)
            } else {
                return value
            }
        }
    }

    private mutating func parseFilter(_ input: Expr) throws(FrondError) -> Expr {
        let (filterName, offset) = try expectName("a filter name after '|'")
        guard let filter = FilterKind(name: filterName) else { throw error("unknown filter '\(filterName)'", at: offset) }
        var arguments: [Expr] = []
        if isPunct("(") {
            advance()
            arguments = try parseList(closingWith: ")")
        }
        guard filter.arity.contains(arguments.count) else {
            throw error("filter '\(filterName)' \(Self.arityText(filter.arity)), got \(arguments.count)", at: offset)
        }
        return try make(.filter(filter, input, arguments), at: offset, [input] + arguments)
    }

    static func arityText(_ arity: ClosedRange<Int>) -> String {
        func plural(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        if arity.upperBound == 0 { return "takes no arguments" }
        if arity.lowerBound == arity.upperBound { return "takes \(plural(arity.lowerBound))" }
        if arity.lowerBound == 0 { return "takes at most \(plural(arity.upperBound))" }
        return "takes \(arity.lowerBound) to \(arity.upperBound) arguments"
    }

    /// An expression node one level deeper than its deepest child.
    private func make(_ kind: Expr.Kind, at offset: Int, _ children: [Expr]) throws(FrondError) -> Expr {
        var depth = 0
        for child in children { depth = max(depth, child.depth) }
        guard depth < Self.maxExpressionDepth else {
            throw error("expression nested more than \(Self.maxExpressionDepth) deep", at: offset)
        }
        return Expr(kind: kind, offset: offset, depth: depth + 1)
    }
}
