/// Builds a ``Template`` from tokens. Tags are parsed here, expressions in `ExpressionParser.swift`.
///
/// Everything a template can get wrong statically (unknown tags, filters, tests and functions,
/// unbalanced blocks, bad expressions) is reported here, before any render.
struct Parser {
    /// A tag whose end has not been seen yet, for "unclosed …" messages.
    struct Opener {
        var description: String
        var offset: Int
    }

    let name: String
    let source: [UInt8]
    let tokens: [Token]
    var position = 0
    var blocks: [String: [Node]] = [:]
    var declaredBlocks: Set<String> = []
    var parent: Expr?
    var openers: [Opener] = []
    /// How the statement tag being parsed ends: `%}`, or `%>` for one opened with `<%`.
    var tagCloser = "%}"
    var openBlocks = 0
    var expressionDepth = 0
    /// Counts references to `loop` (and includes, which may use it), to tell loops that need it.
    var loopReferences = 0

    static let maxNesting = 64
    static let maxExpressionDepth = 100

    /// Parses UTF-8 template source.
    static func parse(_ source: [UInt8], name: String) throws(FrondError) -> Template {
        let tokens = try Lexer.tokenize(source, name: name)
        var parser = Parser(name: name, source: source, tokens: tokens)
        let nodes = try parser.parseBody(until: []).nodes
        return Template(name: name, source: source, nodes: nodes, blocks: parser.blocks, parent: parser.parent)
    }

    private init(name: String, source: [UInt8], tokens: [Token]) {
        self.name = name
        self.source = source
        self.tokens = tokens
    }

    // MARK: - Token helpers

    /// The token at the cursor; the cursor never moves past the final `.end` token.
    var current: Token { tokens[position] }

    func peek(_ distance: Int) -> Token { tokens[min(position + distance, tokens.count - 1)] }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    func error(_ message: String, at offset: Int) -> FrondError {
        FrondError(message, template: name, source: source, offset: offset)
    }

    func line(of offset: Int) -> Int { sourcePosition(of: offset, in: source).line }

    func isPunct(_ symbol: String) -> Bool { current.kind == .punct(symbol) }

    func isName(_ word: String) -> Bool { current.kind == .name(word) }

    mutating func expectPunct(_ symbol: String, context: String = "") throws(FrondError) {
        guard isPunct(symbol) else {
            throw error("expected '\(symbol)'\(context), found \(current.kind.display)", at: current.offset)
        }
        advance()
    }

    mutating func expectName(_ what: String) throws(FrondError) -> (name: String, offset: Int) {
        guard case .name(let word) = current.kind else {
            throw error("expected \(what), found \(current.kind.display)", at: current.offset)
        }
        let offset = current.offset
        advance()
        return (word, offset)
    }

    mutating func expectTagClose() throws(FrondError) {
        guard current.kind == .tagClose else {
            throw error("unexpected \(current.kind.display), expected '\(tagCloser)'", at: current.offset)
        }
        advance()
    }

    // MARK: - Bodies

    /// Parses nodes until one of the `stops` tags (left with the cursor after its name) or the end.
    mutating func parseBody(until stops: Set<String>) throws(FrondError) -> (nodes: [Node], stop: String) {
        var nodes: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .text(let bytes):
                nodes.append(.text(bytes))
                advance()
            case .printOpen:
                advance()
                let value = try parseExpression()
                guard current.kind == .printClose else {
                    throw error("unexpected \(current.kind.display), expected '}}'", at: current.offset)
                }
                advance()
                nodes.append(.output(value))
            case .tagOpen:
                tagCloser = source[token.offset] == UInt8(ascii: "<") ? "%>" : "%}"
                advance()
                let (tag, tagOffset) = try expectName("a tag name")
                if stops.contains(tag) { return (nodes, tag) }
                if let node = try parseTag(tag, openedAt: token.offset, nameAt: tagOffset) { nodes.append(node) }
            case .end:
                if let opener = openers.last {
                    throw error("unclosed \(opener.description) opened at line \(line(of: opener.offset))", at: opener.offset)
                }
                return (nodes, "")
            default:
                throw error("unexpected \(token.kind.display)", at: token.offset)
            }
        }
    }

    /// Parses a body that must end with one of `stops`, with `opener` named in errors.
    private mutating func parseNested(_ opener: Opener, until stops: Set<String>) throws(FrondError) -> (nodes: [Node], stop: String) {
        guard openers.count < Self.maxNesting else {
            throw error("tags nested more than \(Self.maxNesting) deep", at: opener.offset)
        }
        openers.append(opener)
        defer { openers.removeLast() }
        return try parseBody(until: stops)
    }

    // MARK: - Tags

    private mutating func parseTag(_ tag: String, openedAt offset: Int, nameAt nameOffset: Int) throws(FrondError) -> Node? {
        switch tag {
        case "if": return try parseIf(openedAt: offset)
        case "for": return try parseFor(openedAt: offset)
        case "block": return try parseBlock(openedAt: offset)
        case "set": return try parseSet(openedAt: offset)
        case "include": return try parseInclude(openedAt: offset)
        case "extends":
            try parseExtends(openedAt: offset)
            return nil
        case "elseif", "else", "endif", "endfor", "endblock", "endset", "endverbatim":
            if let opener = openers.last {
                throw error(
                    "unexpected {% \(tag) %} inside \(opener.description) opened at line \(line(of: opener.offset))",
                    at: nameOffset)
            }
            throw error("unexpected {% \(tag) %}", at: nameOffset)
        case "verbatim": throw error("{% verbatim %} takes no arguments", at: nameOffset)
        default: throw error("unknown tag '\(tag)'", at: nameOffset)
        }
    }

    private mutating func parseIf(openedAt offset: Int) throws(FrondError) -> Node {
        let opener = Opener(description: "{% if %}", offset: offset)
        var branches: [(condition: Expr, body: [Node])] = []
        var condition = try parseExpression()
        try expectTagClose()
        while true {
            let (body, stop) = try parseNested(opener, until: ["elseif", "else", "endif"])
            branches.append((condition, body))
            switch stop {
            case "elseif":
                condition = try parseExpression()
                try expectTagClose()
            case "else":
                try expectTagClose()
                let otherwise = try parseNested(opener, until: ["endif"]).nodes
                try expectTagClose()
                return .branches(branches, otherwise: otherwise)
            default:
                try expectTagClose()
                return .branches(branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor(openedAt offset: Int) throws(FrondError) -> Node {
        let opener = Opener(description: "{% for %}", offset: offset)
        let first = try expectName("a loop variable name").name
        var second: String?
        if isPunct(",") {
            advance()
            second = try expectName("a loop variable name after ','").name
        }
        guard isName("in") else { throw error("expected 'in', found \(current.kind.display)", at: current.offset) }
        advance()
        let sequence = try parseExpression()
        try expectTagClose()
        let referencesBefore = loopReferences
        let (body, stop) = try parseNested(opener, until: ["else", "endfor"])
        let usesLoop = loopReferences != referencesBefore
        var otherwise: [Node] = []
        if stop == "else" {
            try expectTagClose()
            otherwise = try parseNested(opener, until: ["endfor"]).nodes
        }
        try expectTagClose()
        return .loop(Loop(keyName: second == nil ? nil : first, valueName: second ?? first, sequence: sequence,
                          body: body, otherwise: otherwise, offset: offset, usesLoopVariable: usesLoop))
    }

    private mutating func parseBlock(openedAt offset: Int) throws(FrondError) -> Node {
        let (blockName, nameOffset) = try expectName("a block name")
        guard declaredBlocks.insert(blockName).inserted else {
            throw error("block '\(blockName)' is defined twice", at: nameOffset)
        }
        openBlocks += 1
        defer { openBlocks -= 1 }
        if current.kind != .tagClose {
            // `{% block title page.title %}`: a block holding one expression, with no end tag.
            let value = try parseExpression()
            try expectTagClose()
            blocks[blockName] = [.output(value)]
            return .block(blockName, offset: offset)
        }
        advance()
        let opener = Opener(description: "{% block \(blockName) %}", offset: offset)
        let body = try parseNested(opener, until: ["endblock"]).nodes
        if case .name(let endName) = current.kind {
            guard endName == blockName else {
                throw error("endblock '\(endName)' does not match {% block \(blockName) %} opened at line \(line(of: offset))",
                            at: current.offset)
            }
            advance()
        }
        try expectTagClose()
        blocks[blockName] = body
        return .block(blockName, offset: offset)
    }

    private mutating func parseSet(openedAt offset: Int) throws(FrondError) -> Node {
        let target = try expectName("a variable name").name
        if isPunct("=") {
            advance()
            let value = try parseExpression()
            try expectTagClose()
            return .set(target, value)
        }
        guard current.kind == .tagClose else {
            throw error("expected '=' or '\(tagCloser)' after {% set \(target), found \(current.kind.display)", at: current.offset)
        }
        advance()
        let body = try parseNested(Opener(description: "{% set \(target) %}", offset: offset), until: ["endset"]).nodes
        try expectTagClose()
        return .capture(target, body, offset: offset)
    }

    private mutating func parseInclude(openedAt offset: Int) throws(FrondError) -> Node {
        let template = try parseExpression()
        var include = Include(template: template, variables: nil, only: false, ignoreMissing: false, offset: offset)
        if isName("ignore") {
            advance()
            guard isName("missing") else {
                throw error("expected 'missing' after 'ignore', found \(current.kind.display)", at: current.offset)
            }
            advance()
            include.ignoreMissing = true
        }
        if isName("with") {
            advance()
            include.variables = try parseExpression()
        }
        if isName("only") {
            advance()
            include.only = true
        }
        try expectTagClose()
        loopReferences += 1
        return .include(include)
    }

    private mutating func parseExtends(openedAt offset: Int) throws(FrondError) {
        guard openers.isEmpty else { throw error("{% extends %} must be at the top level of a template", at: offset) }
        guard parent == nil else { throw error("a template can extend only one parent", at: offset) }
        parent = try parseExpression()
        try expectTagClose()
    }
}
