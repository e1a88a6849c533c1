import Testing
@testable import Tina4

/// Escaping for the places a value lands: `json_encode` and `e('js')` inside `<script>` and
/// quoted attributes, `e('html_attr')` by Twig's rules (issue 10).
@Suite struct FrondEscapingTests {
    static let hostile = "\" onmouseover=alert(1) x='<b>&</b>' \u{2028}end"

    @Test func jsonEncodeCannotEndAStringAScriptOrASingleQuotedAttribute() throws {
        let output = try render("<div data-x='{{ v|json_encode }}'>", ["v": ["k\"'": .string(Self.hostile)]])
        #expect(output == #"<div data-x='{"k\u0022\u0027":"\u0022 onmouseover=alert(1) x=\u0027\u003cb\u003e\u0026\u003c/b\u003e\u0027 \u2028end"}'>"#)
        let inside = output.dropFirst("<div data-x='".count).dropLast("'>".count)
        #expect(!inside.contains("'") && !inside.contains("<") && !inside.contains(">") && !inside.contains("&"))
        // The escapes are JSON: the value reads back exactly.
        #expect(try JSON.parse(String(inside))["k\"'"]?.string == Self.hostile)
    }

    @Test func jsonEncodeInADoubleQuotedAttributeGoesThroughHTMLAttr() throws {
        let output = try render(#"<div data-x="{{ v|json_encode|e('html_attr') }}">"#, ["v": .string(Self.hostile)])
        let inside = output.dropFirst(#"<div data-x=""#.count).dropLast(#"">"#.count)
        #expect(!inside.contains("\"") && !inside.contains(" ") && !inside.contains("'") && !inside.contains("<"))
        #expect(inside.hasPrefix("&quot;&#x5C;u0022&#x20;onmouseover&#x3D;alert&#x28;1&#x29;"))
    }

    @Test func jsEscapingIsSafeInAQuotedAttribute() throws {
        let output = try render(#"<a onclick="say('{{ v|e('js') }}')">"#, ["v": .string(Self.hostile)])
        #expect(output == #"<a onclick="say('\u0022 onmouseover=alert(1) x=\u0027\u003cb\u003e\u0026\u003c/b\u003e\u0027 \u2028end')">"#)
        #expect(try render("{{ v|e('js') }}", ["v": "a\\b\n\u{1}"]) == #"a\\b\n\u0001"#)
    }

    @Test func htmlAttrFollowsTwig() throws {
        // Expected strings as Twig 3's escape('html_attr') writes them.
        let cases: [(String, String)] = [
            ("abc,.-_XYZ019", "abc,.-_XYZ019"),
            (" ", "&#x20;"), ("=", "&#x3D;"), ("`", "&#x60;"), ("'", "&#x27;"), ("/", "&#x2F;"),
            ("\"", "&quot;"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"),
            ("\t\n\r", "&#x09;&#x0A;&#x0D;"), ("\u{0}\u{1F}\u{7F}", "&#xFFFD;&#xFFFD;&#xFFFD;"),
            ("é", "&#x00E9;"), ("\u{2028}", "&#x2028;"), ("😀", "&#x1F600;"), ("\u{80}", "&#x0080;"),
        ]
        for (input, expected) in cases {
            #expect(try render("{{ v|e('html_attr') }}", ["v": .string(input)]) == expected, "\(input.debugDescription)")
        }
        // Unlike 'html', 'html_attr' escapes what is already safe HTML.
        #expect(try render("{{ '<b>'|raw|e('html') }} {{ 'a b'|raw|e('html_attr') }}") == "<b> a&#x20;b")
    }
}
