/// One lexical unit of a template: literal text, a delimiter, or a piece of an expression.
enum TokenKind: Equatable {
    case text([UInt8])
    /// `{{` and `}}`.
    case printOpen, printClose
    /// `{%` and `%}`.
    case tagOpen, tagClose
    case name(String)
    case number(Double)
    case string(String)
    /// Operators and punctuation: `==`, `..`, `|`, `(`, `,` …
    case punct(String)
    case end
}

/// A token and the byte offset in the source where it starts.
struct Token {
    var kind: TokenKind
    var offset: Int
}

extension TokenKind {
    /// How the token reads in an error message.
    var display: String {
        switch self {
        case .text: "text"
        case .printOpen: "'{{'"
        case .printClose: "'}}'"
        case .tagOpen: "'{%'"
        case .tagClose: "'%}'"
        case .name(let name): "'\(name)'"
        case .number(let value): "number \(JSON.format(number: value))"
        case .string(let value): "string \(JSON.string(value).serialized())"
        case .punct(let symbol): "'\(symbol)'"
        case .end: "end of template"
        }
    }
}
