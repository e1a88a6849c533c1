/// Splits template source into text and the tokens inside `{{ … }}` and `{% … %}`.
///
/// `<% … %>` is the same statement tag as `{% … %}` (`<% extends "base.html" %>`,
/// `<% block content %>…<% endblock %>`); both may appear in one file, each closed by its own
/// closer. `<%` is a tag only when a statement name follows it (``statementNames``, after an
/// optional `-` and white space), so `<%= x %>` or `a <%b` stay literal text.
///
/// Comments are dropped, `{% verbatim %}…{% endverbatim %}` becomes plain text, and whitespace
/// control is applied here: a `-` inside a delimiter trims all white space on that side, and, as in
/// Twig, the first newline after `%}` or `#}` is removed.
struct Lexer {
    private let name: String
    private let bytes: [UInt8]
    private var index = 0
    private var tokens: [Token] = []

    /// The names that start a statement tag: what makes `<%` a tag rather than text.
    static let statementNames: Set<String> = [
        "extends", "block", "endblock", "if", "elseif", "else", "endif", "for", "endfor",
        "set", "endset", "include", "verbatim", "endverbatim",
    ]

    static func tokenize(_ bytes: [UInt8], name: String) throws(FrondError) -> [Token] {
        var lexer = Lexer(name: name, bytes: bytes)
        try lexer.run()
        return lexer.tokens
    }

    private init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    private func error(_ message: String, at offset: Int) -> FrondError {
        FrondError(message, template: name, source: bytes, offset: offset)
    }

    private func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }

    /// What follows the delimiter that ended the previous text.
    private enum After { case nothing, trim, dropNewline }

    private mutating func run() throws(FrondError) {
        var after = After.nothing
        while index <= bytes.count {
            let open = findOpening(from: index)
            let trimBefore = open < bytes.count && byte(at: open + 2) == UInt8(ascii: "-")
            appendText(from: index, to: open, after: after, trimEnd: trimBefore)
            guard open < bytes.count else { break }
            switch bytes[open + 1] {
            case UInt8(ascii: "#"): after = try lexComment(at: open)
            case UInt8(ascii: "{"): after = try lexTag(at: open, print: true) ? .trim : .nothing
            default:
                let angle = bytes[open] == UInt8(ascii: "<")
                after = try lexTag(at: open, print: false, angle: angle) ? .trim : .dropNewline
                if isVerbatimOpening() { after = try lexVerbatim(after: after, openedAt: open) }
            }
        }
        tokens.append(Token(kind: .end, offset: bytes.count))
    }

    /// The offset of the next `{{`, `{%`, `{#` or statement `<%`, or the end of the source.
    private func findOpening(from start: Int) -> Int {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "{") {
                let next = bytes[i + 1]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") || next == UInt8(ascii: "#") { return i }
            } else if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "%"), startsStatement(at: i + 2) {
                return i
            }
            i += 1
        }
        return bytes.count
    }

    /// Whether a statement name (after an optional `-` and white space) starts at `start`. Each
    /// `<%` looks only at the bytes up to the end of its own name, so scanning stays linear.
    private func startsStatement(at start: Int) -> Bool {
        var i = start
        if byte(at: i) == UInt8(ascii: "-") { i += 1 }
        while let b = byte(at: i), Self.isSpace(b) { i += 1 }
        let nameStart = i
        while let b = byte(at: i), Self.isNameStart(b) || Self.isDigit(b), i - nameStart <= Self.longestStatementName { i += 1 }
        guard i > nameStart, i - nameStart <= Self.longestStatementName else { return false }
        return Self.statementNames.contains(String(decoding: bytes[nameStart..<i], as: UTF8.self))
    }

    private static let longestStatementName = statementNames.map(\.utf8.count).max() ?? 0

    private mutating func appendText(from start: Int, to end: Int, after: After, trimEnd: Bool) {
        var start = start, end = end
        switch after {
        case .trim: while start < end && Self.isSpace(bytes[start]) { start += 1 }
        case .dropNewline:
            if byte(at: start) == 0x0A {
                start += 1
            } else if byte(at: start) == 0x0D && byte(at: start + 1) == 0x0A {
                start += 2
            }
        case .nothing: break
        }
        if trimEnd { while end > start && Self.isSpace(bytes[end - 1]) { end -= 1 } }
        if end > start { tokens.append(Token(kind: .text(Array(bytes[start..<end])), offset: start)) }
        index = max(index, end)
    }

    // MARK: - Comments and verbatim

    private mutating func lexComment(at open: Int) throws(FrondError) -> After {
        let contentStart = open + (byte(at: open + 2) == UInt8(ascii: "-") ? 3 : 2)
        var i = contentStart
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "#") && bytes[i + 1] == UInt8(ascii: "}") {
                index = i + 2
                return i > contentStart && bytes[i - 1] == UInt8(ascii: "-") ? .trim : .dropNewline
            }
            i += 1
        }
        throw error("unclosed comment (missing '#}')", at: open)
    }

    private func isVerbatimOpening() -> Bool {
        let n = tokens.count
        return n >= 3 && tokens[n - 3].kind == .tagOpen && tokens[n - 2].kind == .name("verbatim")
            && tokens[n - 1].kind == .tagClose
    }

    /// Turns everything up to `{% endverbatim %}` into one text token.
    private mutating func lexVerbatim(after: After, openedAt open: Int) throws(FrondError) -> After {
        tokens.removeLast(3)
        var search = index
        while true {
            let tag = findOpening(from: search)
            guard tag < bytes.count else {
                let line = sourcePosition(of: open, in: bytes).line
                throw error("unclosed {% verbatim %} opened at line \(line)", at: open)
            }
            search = tag + 1
            guard bytes[tag + 1] == UInt8(ascii: "%") else { continue }
            let tagCloser = bytes[tag] == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "}")
            var i = tag + 2
            let trimBefore = byte(at: i) == UInt8(ascii: "-")
            if trimBefore { i += 1 }
            while let b = byte(at: i), Self.isSpace(b) { i += 1 }
            let word = Array("endverbatim".utf8)
            guard i + word.count <= bytes.count, Array(bytes[i..<(i + word.count)]) == word else { continue }
            i += word.count
            while let b = byte(at: i), Self.isSpace(b) { i += 1 }
            let trimAfter = byte(at: i) == UInt8(ascii: "-")
            if trimAfter { i += 1 }
            guard byte(at: i) == UInt8(ascii: "%"), byte(at: i + 1) == tagCloser else { continue }
            appendText(from: index, to: tag, after: after, trimEnd: trimBefore)
            index = i + 2
            return trimAfter ? .trim : .dropNewline
        }
    }

    // MARK: - Tags

    /// Lexes `{{ … }}`, `{% … %}` or (`angle`) `<% … %>` starting at `open`; returns whether
    /// the closer asks to trim.
    private mutating func lexTag(at open: Int, print: Bool, angle: Bool = false) throws(FrondError) -> Bool {
        tokens.append(Token(kind: print ? .printOpen : .tagOpen, offset: open))
        index = open + 2
        if byte(at: index) == UInt8(ascii: "-") { index += 1 }
        let closer = UInt8(ascii: print ? "}" : "%")
        let closerEnd = UInt8(ascii: angle ? ">" : "}")
        var brackets: [(symbol: UInt8, offset: Int)] = []
        while true {
            while let b = byte(at: index), Self.isSpace(b) { index += 1 }
            guard let c = byte(at: index) else {
                if let last = brackets.last {
                    throw error("unclosed '\(Character(Unicode.Scalar(last.symbol)))'", at: last.offset)
                }
                throw error(print ? "unclosed '{{' (missing '}}')"
                    : angle ? "unclosed '<%' (missing '%>')" : "unclosed '{%' (missing '%}')", at: open)
            }
            if brackets.isEmpty {
                if c == UInt8(ascii: "-") && byte(at: index + 1) == closer && byte(at: index + 2) == closerEnd {
                    tokens.append(Token(kind: print ? .printClose : .tagClose, offset: index))
                    index += 3
                    return true
                }
                if c == closer && byte(at: index + 1) == closerEnd {
                    tokens.append(Token(kind: print ? .printClose : .tagClose, offset: index))
                    index += 2
                    return false
                }
            }
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): lexNumber()
            case UInt8(ascii: "\""), UInt8(ascii: "'"): try lexString(quote: c)
            case _ where Self.isNameStart(c): lexName()
            default: try lexPunct(brackets: &brackets)
            }
        }
    }

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_") || b >= 0x80
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func lexName() {
        let start = index
        while let b = byte(at: index), Self.isNameStart(b) || Self.isDigit(b) { index += 1 }
        tokens.append(Token(kind: .name(String(decoding: bytes[start..<index], as: UTF8.self)), offset: start))
    }

    private mutating func lexNumber() {
        let start = index
        while let b = byte(at: index), Self.isDigit(b) { index += 1 }
        // `a.0.1` is two attribute steps, and `1..5` a range: only take a fraction after a digit.
        let afterDot = tokens.last?.kind == .punct(".")
        if !afterDot, byte(at: index) == UInt8(ascii: "."), let next = byte(at: index + 1), Self.isDigit(next) {
            index += 1
            while let b = byte(at: index), Self.isDigit(b) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        tokens.append(Token(kind: .number(Double(text) ?? 0), offset: start))
    }

    private mutating func lexString(quote: UInt8) throws(FrondError) {
        let start = index
        var value: [UInt8] = []
        index += 1
        while let b = byte(at: index) {
            if b == quote {
                index += 1
                tokens.append(Token(kind: .string(String(decoding: value, as: UTF8.self)), offset: start))
                return
            }
            if b == UInt8(ascii: "\\"), let next = byte(at: index + 1) {
                switch next {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(next)
                default: value.append(contentsOf: [b, next])
                }
                index += 2
                continue
            }
            value.append(b)
            index += 1
        }
        throw error("unclosed string", at: start)
    }

    private static let twoCharacterOperators: [[UInt8]] = ["==", "!=", "<=", ">=", "..", "//", "**", "??"].map { Array($0.utf8) }
    private static let singleCharacterOperators = Array("+-*/%~|.,:()[]{}?<>=".utf8)

    private mutating func lexPunct(brackets: inout [(symbol: UInt8, offset: Int)]) throws(FrondError) {
        let c = bytes[index]
        if let next = byte(at: index + 1), Self.twoCharacterOperators.contains([c, next]) {
            tokens.append(Token(kind: .punct(String(decoding: [c, next], as: UTF8.self)), offset: index))
            index += 2
            return
        }
        guard Self.singleCharacterOperators.contains(c) else {
            let scalarEnd = index + Self.scalarLength(c)
            let text = String(decoding: bytes[index..<min(scalarEnd, bytes.count)], as: UTF8.self)
            throw error("unexpected character '\(text)'", at: index)
        }
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): brackets.append((c, index))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            guard let open = brackets.popLast() else { throw error("unexpected '\(Character(Unicode.Scalar(c)))'", at: index) }
            let expected: UInt8 = switch open.symbol {
            case UInt8(ascii: "("): UInt8(ascii: ")")
            case UInt8(ascii: "["): UInt8(ascii: "]")
            default: UInt8(ascii: "}")
            }
            guard c == expected else { throw error("unclosed '\(Character(Unicode.Scalar(open.symbol)))'", at: open.offset) }
        default: break
        }
        tokens.append(Token(kind: .punct(String(Character(Unicode.Scalar(c)))), offset: index))
        index += 1
    }

    private static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
