/// Frond: a small, strict Twig-like template engine.
///
/// Loads, caches and renders templates from a directory, with optional built-in fallbacks.
/// Templates are parsed once into a tree and re-parsed only when their file changes on disk.
/// ```swift
/// let frond = Frond(directory: "src/templates", fallbacks: ["base.html": defaultBase])
/// let html = try frond.render("chat.html", ["user": ["name": "Ann"], "messages": []])
/// ```
///
/// The language is a strict subset of Twig:
/// - `{{ expr }}` prints HTML-escaped (`& < > " '`); `|raw` / `|safe` as the last filter opt out.
///   `escape`, `nl2br` and `json_encode` produce safe text, so `<script>var d = {{ data|json_encode }};</script>`
///   is valid JavaScript (json_encode escapes `<`, `>` and `&` as `\u003c` etc.).
/// - `{# comment #}`; `{{-`, `-}}`, `{%-`, `-%}`, `{#-`, `-#}` trim white space on that side, and the
///   first newline after `%}` or `#}` is dropped, as in Twig.
/// - Tags: `extends`, `block`/`endblock`, `include … [ignore missing] [with {…}] [only]`, `if`/`elseif`/`else`,
///   `for x in xs` / `for k, v in map` with `loop.*` and `{% else %}`, `set x = …`, `set x %}…{% endset`,
///   `verbatim`.
/// - Undefined variables print nothing; unknown tags, filters, tests and functions are errors with
///   the file, line and column. Dates are shown in UTC.
///
/// A `Frond` is not thread-safe: use it from one thread (the server's main actor).
public final class Frond {
    /// The directory templates are read from.
    public var directory: String { loader.directory }
    private let loader: TemplateLoader

    /// `directory` is e.g. `"src/templates"`. `fallbacks` maps template names (`"base.html"`) to source
    /// text used when the file does not exist on disk (the executable embeds its default templates this way).
    /// ```swift
    /// let frond = Frond(directory: "src/templates", fallbacks: ["404.html": "<h1>Not found</h1>"])
    /// ```
    public init(directory: String, fallbacks: [String: String] = [:]) {
        loader = TemplateLoader(directory: directory, fallbacks: fallbacks)
    }

    /// Renders a template by name with the given variables.
    /// ```swift
    /// let html = try frond.render("hello.html", ["name": "Ann"])   // <p>Hello Ann</p>
    /// ```
    public func render(_ name: String, _ context: JSONObject) throws(FrondError) -> String {
        let template: Template
        do {
            template = try loader.load(name)
        } catch {
            if case .syntax(let syntaxError) = error { throw syntaxError }
            throw FrondError(template: name, line: 1, column: 1, message: error.message(for: name, directory: directory))
        }
        return try Renderer.render(template, context: context, loader: loader)
    }

    /// Renders template source given inline (`name` is used in error messages). It may extend and
    /// include templates from the directory.
    /// ```swift
    /// try frond.renderString("Hi {{ name|upper }}", ["name": "ann"])   // "Hi ANN"
    /// ```
    public func renderString(_ source: String, _ context: JSONObject, name: String = "<string>") throws(FrondError) -> String {
        let template = try Parser.parse(Array(source.utf8), name: name)
        return try Renderer.render(template, context: context, loader: loader)
    }
}
