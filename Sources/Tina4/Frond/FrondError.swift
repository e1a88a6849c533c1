/// A template that could not be loaded, parsed or rendered, with the place it went wrong.
///
/// ```swift
/// do { html = try frond.render("chat.html", context) }
/// catch { print(error) }   // chat.html:12:5: unknown filter 'uper'
/// ```
public struct FrondError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template's name, e.g. `"chat.html"`.
    public var template: String
    /// 1-based line of the offending token.
    public var line: Int
    /// 1-based column of the offending token, counted in Unicode scalars.
    public var column: Int
    /// What went wrong, e.g. `"unknown filter 'uper'"`.
    public var message: String

    public init(template: String, line: Int, column: Int, message: String) {
        self.template = template
        self.line = line
        self.column = column
        self.message = message
    }

    /// `"chat.html:12:5: unknown filter 'uper'"`.
    public var description: String { "\(template):\(line):\(column): \(message)" }

    /// A small self-contained HTML page describing the error, for the browser; all text is escaped.
    /// ```swift
    /// catch let error as FrondError { response.html(error.htmlPage, status: 500) }
    /// ```
    public var htmlPage: String {
        let name = HTMLText.escaped(template), text = HTMLText.escaped(message)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Template error</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
            pre{background:#fdecea;border-left:4px solid #c62828;padding:1rem;white-space:pre-wrap}</style>
            </head><body><h1>Template error</h1>
            <p>In <code>\(name)</code> at line \(line), column \(column):</p>
            <pre>\(text)</pre>
            </body></html>

            """
    }
}

extension FrondError {
    /// An error at byte `offset` of a template's source.
    init(_ message: String, template: String, source: [UInt8], offset: Int) {
        let (line, column) = sourcePosition(of: offset, in: source)
        self.init(template: template, line: line, column: column, message: message)
    }
}

/// The 1-based line and column of byte `offset` in UTF-8 `source`; columns count Unicode scalars.
func sourcePosition(of offset: Int, in source: [UInt8]) -> (line: Int, column: Int) {
    var line = 1, column = 1
    for byte in source.prefix(max(0, offset)) {
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
    return (line, column)
}
