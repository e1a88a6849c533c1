import Testing
@testable import Tina4

@Suite struct FrondErrorTests {
    private func expectError(_ source: String, _ line: Int, _ column: Int, _ message: String,
                             _ context: JSONObject = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        let error = renderError(source, context)
        #expect(error == FrondError(template: "test.html", line: line, column: column, message: message),
                sourceLocation: sourceLocation)
    }

    @Test func unknownFilter() {
        expectError("<p>\n  {{ name|uper }}\n</p>", 2, 11, "unknown filter 'uper'")
        #expect(renderError("<p>\n  {{ name|uper }}\n</p>")?.description == "test.html:2:11: unknown filter 'uper'")
        // found when parsing, even in a branch that never runs
        expectError("{% if false %}{{ x|nope }}{% endif %}", 1, 20, "unknown filter 'nope'")
        // columns count characters, not bytes
        expectError("é {{ x|nope }}", 1, 8, "unknown filter 'nope'")
    }

    @Test func unknownTestAndFunction() {
        expectError("{{ x is fancy }}", 1, 9, "unknown test 'fancy'")
        expectError("{{ foo(1) }}", 1, 4, "unknown function 'foo'")
        expectError("{{ x|upper(1) }}", 1, 6, "filter 'upper' takes no arguments, got 1")
        expectError("{{ x|split }}", 1, 6, "filter 'split' takes 1 to 2 arguments, got 0")
        expectError("{{ range(1) }}", 1, 4, "function 'range' takes 2 to 3 arguments, got 1")
        expectError("{{ parent() }}", 1, 4, "parent() can only be used inside a block")
        expectError("{{ x.y() }}", 1, 7, "method calls are not supported ('y(…)')")
    }

    @Test func unclosedAndMismatchedBlocks() {
        expectError("a\n\n{% block content %}\nstuff", 3, 1, "unclosed {% block content %} opened at line 3")
        expectError("{% if x %}\n{% for y in z %}", 2, 1, "unclosed {% for %} opened at line 2")
        expectError("{% block a %}x{% endblock b %}", 1, 27, "endblock 'b' does not match {% block a %} opened at line 1")
        expectError("{% endif %}", 1, 4, "unexpected {% endif %}")
        expectError("{% for x in y %}{% endif %}", 1, 20, "unexpected {% endif %} inside {% for %} opened at line 1")
        expectError("{% if a %}{% else %}{% elseif b %}{% endif %}", 1, 24, "unexpected {% elseif %} inside {% if %} opened at line 1")
        expectError("{% block a %}{% endblock %}\n{% block a %}{% endblock %}", 2, 10, "block 'a' is defined twice")
        expectError("{% if true %}{% extends 'a' %}{% endif %}", 1, 14, "{% extends %} must be at the top level of a template")
        expectError("{% verbatim %}{{ x }}", 1, 1, "unclosed {% verbatim %} opened at line 1")
    }

    @Test func unknownTag() {
        expectError("ok\n{% frobnicate x %}", 2, 4, "unknown tag 'frobnicate'")
        expectError("{% %}", 1, 4, "expected a tag name, found '%}'")
    }

    @Test func badExpressions() {
        expectError("{{ 1 + }}", 1, 8, "expected an expression, found '}}'")
        expectError("{{ }}", 1, 4, "expected an expression, found '}}'")
        expectError("{{ a b }}", 1, 6, "unexpected 'b', expected '}}'")
        expectError("{{ (a }}", 1, 4, "unclosed '('")
        expectError("{{ a ) }}", 1, 6, "unexpected ')'")
        expectError("{{ [1, 2 }}", 1, 4, "unclosed '['")
        expectError("{{ a ! b }}", 1, 6, "unexpected character '!'")
        expectError("{{ 'abc }}", 1, 4, "unclosed string")
        expectError("a {{ b", 1, 3, "unclosed '{{' (missing '}}')")
        expectError("a {% if b", 1, 3, "unclosed '{%' (missing '%}')")
        expectError("{# x", 1, 1, "unclosed comment (missing '#}')")
        expectError("{% if x y %}{% endif %}", 1, 9, "unexpected 'y', expected '%}'")
        expectError("{% for x of y %}{% endfor %}", 1, 10, "expected 'in', found 'of'")
        expectError("{% set = 1 %}", 1, 8, "expected a variable name, found '='")
        expectError("{{ {a 1} }}", 1, 7, "expected ':' after a map key, found number 1")
        expectError("{{ x. }}", 1, 7, "expected an attribute name after '.', found '}}'")
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        #expect(renderError(deep)?.message == "expression nested more than 100 deep")
        let filters = "{{ x" + String(repeating: "|upper", count: 500) + " }}"
        #expect(renderError(filters)?.message == "expression nested more than 100 deep")
        let tags = String(repeating: "{% if true %}", count: 100) + String(repeating: "{% endif %}", count: 100)
        #expect(renderError(tags)?.message == "tags nested more than 64 deep")
        let fine = String(repeating: "{% if true %}", count: 60) + "ok" + String(repeating: "{% endif %}", count: 60)
        #expect(try render(fine) == "ok")
    }

    @Test func nestingAcrossIncludesIsBounded() throws {
        // 32 include levels of 60 nested tags each would exhaust the stack; a budget stops it first
        let dir = TemplateDirectory()
        dir.write("deep.html", String(repeating: "{% if true %}", count: 60) + "{% include 'deep.html' %}"
            + String(repeating: "{% endif %}", count: 60))
        let error = #expect(throws: FrondError.self) { try dir.frond().render("deep.html", [:]) }
        #expect(error?.template == "deep.html")
        #expect(error?.message == "templates nested more than 256 deep (tags, blocks and includes together)")
    }

    @Test func runtimeErrors() {
        expectError("{{ 1 / 0 }}", 1, 6, "division by zero")
        expectError("{{ 5 % 0 }}", 1, 6, "division by zero")
        expectError("\n{{ [1] < 2 }}", 2, 8, "cannot compare list with number using '<'")
        expectError("{{ 'a' + 1 }}", 1, 8, "'+' needs numbers, got string \"a\"")
        expectError("{{ (1..200000)|length }}", 1, 6, "range of 200000 items exceeds the limit of 100000")
        expectError("{{ 'soon'|date }}", 1, 11, "filter 'date' cannot read string \"soon\" as a date")
        expectError("{{ 'x'|round }}", 1, 8, "filter 'round' needs a number, got string \"x\"")
        expectError("{{ 1|round(0, 'up') }}", 1, 6, "round method must be 'common', 'floor' or 'ceil', got 'up'")
        expectError("{{ 'x'|e('css') }}", 1, 8, "unknown escape strategy 'css'")
        expectError("{{ 'x'|sort }}", 1, 8, "filter 'sort' needs a list or map, got string \"x\"")
        expectError("{{ 'x'|replace(1) }}", 1, 8, "filter 'replace' needs a map of replacements or two strings")
        expectError("{% include 'x.html' with 3 %}", 1, 26, "{% include … with %} needs a map, got number 3")
        expectError("{{ {(x): 1} }}", 1, 6, "map keys must be strings or numbers, got list", ["x": [1]])
    }

    @Test func missingTemplates() throws {
        let dir = TemplateDirectory()
        dir.write("page.html", "x\n  {% include 'nope.html' %}")
        let frond = dir.frond()
        var error = #expect(throws: FrondError.self) { try frond.render("page.html", [:]) }
        #expect(error == FrondError(template: "page.html", line: 2, column: 14, message: "template 'nope.html' not found in \(dir.path)"))
        error = #expect(throws: FrondError.self) { try frond.render("nope.html", [:]) }
        #expect(error == FrondError(template: "nope.html", line: 1, column: 1, message: "template 'nope.html' not found in \(dir.path)"))
        dir.write("child.html", "{% extends 'gone.html' %}")
        error = #expect(throws: FrondError.self) { try frond.render("child.html", [:]) }
        #expect(error == FrondError(template: "child.html", line: 1, column: 12, message: "template 'gone.html' not found in \(dir.path)"))
    }

    @Test func errorsNameTheFileTheyAreIn() throws {
        let dir = TemplateDirectory()
        dir.write("bad.html", "ok\n{{ x|nope }}")
        dir.write("base.html", "{% block b %}{{ 1 / zero }}{% endblock %}")
        dir.write("child.html", "{% extends 'base.html' %}{% block b %}\n\n  {{ parent() }}{% endblock %}")
        let frond = dir.frond()
        var error = #expect(throws: FrondError.self) { try frond.renderString("{% include 'bad.html' %}", [:]) }
        #expect(error == FrondError(template: "bad.html", line: 2, column: 6, message: "unknown filter 'nope'"))
        error = #expect(throws: FrondError.self) { try frond.render("child.html", ["zero": 0]) }
        #expect(error == FrondError(template: "base.html", line: 1, column: 19, message: "division by zero"))
    }

    @Test func htmlPageEscapesEverything() {
        let error = FrondError(template: "<x>.html", line: 3, column: 4, message: "unknown filter '<script>'")
        let page = error.htmlPage
        #expect(page.contains("&lt;x&gt;.html"))
        #expect(page.contains("unknown filter &#39;&lt;script&gt;&#39;"))
        #expect(page.contains("line 3, column 4"))
        #expect(!page.contains("<script>"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
    }
}
