/// Renders a parsed template by walking its nodes into one byte buffer.
///
/// One renderer serves one `render` call: it remembers the templates it has loaded (so each is
/// checked on disk once per render), the variables in scope, and the inheritance chain and block
/// being rendered (for `parent()`).
struct Renderer {
    static let maxDepth = 32

    let loader: TemplateLoader
    var out: [UInt8] = []
    var variables: [String: Value] = [:]
    /// The template whose nodes are running, for error positions.
    var current: Template
    /// The inheritance chain of the template being rendered, most derived first.
    var chain: [Template] = []
    /// The block being rendered and the chain level its body came from.
    var block: (name: String, level: Int)?
    /// Include and extends levels above the template being rendered.
    var depth = 0
    /// Nested bodies being rendered (see ``maxNesting``).
    var nesting = 0
    private var loaded: [String: Template] = [:]

    /// Renders `template` with `context` as its variables.
    static func render(_ template: Template, context: JSONObject, loader: TemplateLoader) throws(FrondError) -> String {
        var renderer = Renderer(loader: loader, current: template)
        for (key, value) in context { renderer.variables[key] = Value(value) }
        renderer.out.reserveCapacity(max(1024, template.source.count * 2))
        try renderer.renderTemplate(template)
        return String(decoding: renderer.out, as: UTF8.self)
    }

    private init(loader: TemplateLoader, current: Template) {
        self.loader = loader
        self.current = current
    }

    func error(_ message: String, at offset: Int) -> FrondError { current.error(message, at: offset) }

    // MARK: - Templates and inheritance

    /// Renders a template: follows its `extends` chain, runs the top-level `set`s of each child
    /// (everything else outside blocks in a child is ignored), then renders the root's body.
    mutating func renderTemplate(_ template: Template) throws(FrondError) {
        let saved = (chain, block, current, depth)
        defer { (chain, block, current, depth) = saved }
        var levels = [template]
        while let parentExpression = levels[levels.count - 1].parent {
            current = levels[levels.count - 1]
            let name = try evaluate(parentExpression)
            guard case .string(let parentName) = name.json else {
                throw error("{% extends %} needs a template name, got \(Coerce.describe(name.json))", at: parentExpression.offset)
            }
            depth += 1
            guard depth <= Self.maxDepth else {
                throw error("template recursion deeper than \(Self.maxDepth)", at: parentExpression.offset)
            }
            guard let parent = try load(parentName, at: parentExpression.offset, ignoreMissing: false) else { return }
            levels.append(parent)
        }
        chain = levels
        block = nil
        for child in levels.dropLast() {
            current = child
            for node in child.nodes {
                switch node {
                case .set, .capture: try render([node])
                default: continue
                }
            }
        }
        current = levels[levels.count - 1]
        try render(current.nodes)
    }

    /// The template `name`, loaded once per render; nil when missing and `ignoreMissing`.
    mutating func load(_ name: String, at offset: Int, ignoreMissing: Bool) throws(FrondError) -> Template? {
        if let template = loaded[name] { return template }
        do {
            let template = try loader.load(name)
            loaded[name] = template
            return template
        } catch {
            switch error {
            case .syntax(let syntaxError): throw syntaxError
            case .notFound where ignoreMissing: return nil
            default: throw self.error(error.message(for: name, directory: loader.directory), at: offset)
            }
        }
    }

    // MARK: - Nodes

    /// Bodies nested inside one another across includes and blocks; bounded so the stack cannot run out.
    static let maxNesting = 256

    mutating func render(_ nodes: [Node]) throws(FrondError) {
        for node in nodes {
            switch node {
            case .text(let bytes): out.append(contentsOf: bytes)
            case .output(let expression): write(try evaluate(expression))
            case .branches(let branches, let otherwise): try renderBranches(branches, otherwise)
            case .loop(let loop): try renderLoop(loop)
            case .block(let name, let offset): try renderBlock(name, from: 0, at: offset, isParentCall: false)
            case .include(let include): try renderInclude(include)
            case .set(let name, let expression): try assign(name, expression)
            case .capture(let name, let body, let offset):
                variables[name] = Value(.string(try capture(body, at: offset)), safe: true)
            }
        }
    }

    /// Renders a nested body, counting it against ``maxNesting``.
    private mutating func renderNested(_ nodes: [Node], at offset: Int) throws(FrondError) {
        try checkNesting(at: offset)
        nesting += 1
        defer { nesting -= 1 }
        try render(nodes)
    }

    /// Throws when one more nested body would exceed ``maxNesting``; `offset` is in ``current``.
    private func checkNesting(at offset: Int) throws(FrondError) {
        guard nesting < Self.maxNesting else {
            throw error("templates nested more than \(Self.maxNesting) deep (tags, blocks and includes together)", at: offset)
        }
    }

    private mutating func renderBranches(_ branches: [(condition: Expr, body: [Node])], _ otherwise: [Node]) throws(FrondError) {
        for branch in branches where try evaluate(branch.condition).isTruthy {
            return try renderNested(branch.body, at: branch.condition.offset)
        }
        if let first = branches.first { try renderNested(otherwise, at: first.condition.offset) }
    }

    private mutating func assign(_ name: String, _ expression: Expr) throws(FrondError) {
        var value = try evaluate(expression)
        value.isDefined = true
        variables[name] = value
    }

    /// Appends a value: as it is when safe, HTML-escaped otherwise.
    mutating func write(_ value: Value) {
        switch value.json {
        case .string(let text):
            if value.isSafe { out.append(contentsOf: text.utf8) } else { HTMLText.escape(text, into: &out) }
        case .null: break
        case .number(let n): out.append(contentsOf: JSON.format(number: n).utf8)
        default:
            if value.isSafe { out.append(contentsOf: value.json.text.utf8) } else { HTMLText.escape(value.json.text, into: &out) }
        }
    }

    /// Renders `nodes` into a string instead of the output.
    mutating func capture(_ nodes: [Node], at offset: Int) throws(FrondError) -> String {
        var saved: [UInt8] = []
        swap(&saved, &out)
        defer { swap(&saved, &out) }
        try renderNested(nodes, at: offset)
        return String(decoding: out, as: UTF8.self)
    }

    /// Loops see the variables around them; afterwards, variables they created are gone and the loop
    /// variables get their old values back, while changes to existing variables stay (as in Twig).
    private mutating func renderLoop(_ loop: Loop) throws(FrondError) {
        let sequence = try evaluate(loop.sequence).json
        let count: Int
        switch sequence {
        case .array(let items): count = items.count
        case .object(let object): count = object.count
        default: count = 0
        }
        guard count > 0 else { return try renderNested(loop.otherwise, at: loop.offset) }
        let outer = variables
        for index in 0..<count {
            switch sequence {
            case .array(let items):
                variables[loop.valueName] = Value(items[index])
                if let keyName = loop.keyName { variables[keyName] = Value(.number(Double(index))) }
            case .object(let object):
                variables[loop.valueName] = Value(object.values[index])
                if let keyName = loop.keyName { variables[keyName] = Value(.string(object.keys[index])) }
            default: break
            }
            if loop.usesLoopVariable {
                let loopObject: JSONObject = [
                    "index": .number(Double(index + 1)), "index0": .number(Double(index)),
                    "revindex": .number(Double(count - index)), "revindex0": .number(Double(count - index - 1)),
                    "first": .bool(index == 0), "last": .bool(index == count - 1), "length": .number(Double(count)),
                ]
                variables["loop"] = Value(.object(loopObject))
            }
            try renderNested(loop.body, at: loop.offset)
        }
        var restored = outer
        for (name, _) in outer where name != loop.valueName && name != loop.keyName && name != "loop" {
            restored[name] = variables[name]
        }
        variables = restored
    }

    /// Renders the most derived definition of block `name` at or after chain level `from`.
    /// Variables set inside a block stay inside it.
    mutating func renderBlock(_ name: String, from level: Int, at offset: Int, isParentCall: Bool) throws(FrondError) {
        guard let found = (level..<chain.count).first(where: { chain[$0].blocks[name] != nil }),
              let body = chain[found].blocks[name]
        else {
            if isParentCall { throw error("block '\(name)' has no parent block to render", at: offset) }
            return
        }
        try checkNesting(at: offset)
        let saved = (variables, block, current, nesting)
        defer { (variables, block, current, nesting) = saved }
        block = (name, found)
        current = chain[found]
        nesting += 1
        try render(body)
    }

    private mutating func renderInclude(_ include: Include) throws(FrondError) {
        let nameValue = try evaluate(include.template)
        guard case .string(let name) = nameValue.json else {
            throw error("{% include %} needs a template name, got \(Coerce.describe(nameValue.json))", at: include.template.offset)
        }
        var scope = include.only ? [:] : variables
        if let variablesExpression = include.variables {
            let extra = try evaluate(variablesExpression)
            switch extra.json {
            case .object(let object): for (key, value) in object { scope[key] = Value(value) }
            case .null where !extra.isDefined: break
            default:
                throw error("{% include … with %} needs a map, got \(Coerce.describe(extra.json))", at: variablesExpression.offset)
            }
        }
        guard depth < Self.maxDepth else {
            throw error("template recursion deeper than \(Self.maxDepth)", at: include.template.offset)
        }
        guard let template = try load(name, at: include.template.offset, ignoreMissing: include.ignoreMissing) else { return }
        let saved = variables
        defer { variables = saved }
        variables = scope
        depth += 1
        defer { depth -= 1 }
        try renderTemplate(template)
    }
}
