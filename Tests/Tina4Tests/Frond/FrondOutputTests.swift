import Testing
@testable import Tina4

@Suite struct FrondOutputTests {
    @Test func printsVariablesAndLiterals() throws {
        #expect(try render("Hello {{ name }}!", ["name": "Ann"]) == "Hello Ann!")
        #expect(try render("{{ 42 }} {{ 2.5 }} {{ 'single' }} {{ \"double\" }}") == "42 2.5 single double")
        #expect(try render("{{ true }}|{{ false }}|{{ null }}|{{ True }}|{{ none }}|{{ None }}") == "true|false||true||")
        #expect(try render(#"{{ "a\"b\\c\nd" }}"#) == "a&quot;b\\c\nd")
        #expect(try render(#"{{ 'it\'s' }}"#) == "it&#39;s")
        #expect(try render("{{ [1, 'two', 3]|join(',') }}") == "1,two,3")
        #expect(try render(#"{{ {"a": 1, b: 2, 3: "c"}|json_encode }}"#) == #"{"a":1,"b":2,"3":"c"}"#)
        #expect(try render("{{ [] }}{{ {} }}") == "[]{}")
    }

    @Test func undefinedValuesPrintNothing() throws {
        #expect(try render("[{{ missing }}][{{ missing.deeper.still }}][{{ user.nope }}][{{ list[5] }}]",
                           ["user": ["name": "Ann"], "list": [1]]) == "[][][][]")
    }

    @Test func attributesAndSubscripts() throws {
        let context: JSONObject = ["user": ["name": "Ann", "tags": ["a", "b"], "0": "zero"], "key": "name", "items": [10, 20]]
        #expect(try render("{{ user.name }} {{ user['name'] }} {{ user[key] }} {{ user.tags[1] }} {{ items.0 }} {{ items[1] }}", context)
            == "Ann Ann Ann b 10 20")
        #expect(try render("{{ user.0 }} {{ user[0] }}", context) == "zero zero")
    }

    @Test func escapesHTMLByDefault() throws {
        #expect(try render("{{ v }}", ["v": #"<a href="x">Tom & 'Jerry'</a>"#])
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(try render("{{ v|raw }}|{{ v|safe }}", ["v": "<b>"]) == "<b>|<b>")
        // raw only counts as the last filter
        #expect(try render("{{ v|raw|upper }}", ["v": "<b>"]) == "&lt;B&gt;")
        // escape marks its output safe: no double escaping
        #expect(try render("{{ v|e }}|{{ v|escape }}|{{ v|e|e }}", ["v": "<&>"]) == "&lt;&amp;&gt;|&lt;&amp;&gt;|&lt;&amp;&gt;")
        #expect(try render("{{ v|e('url') }}|{{ v|e('js') }}", ["v": "a b'<"]) == #"a%20b%27%3C|a b\u0027\u003c"#)
        // a list prints as JSON, escaped
        #expect(try render("{{ v }}", ["v": ["<x>"]]) == "[&quot;&lt;x&gt;&quot;]")
    }

    @Test func arithmeticAndConcatenation() throws {
        #expect(try render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ -3 + 1 }}")
            == "7 9 3.5 3 1 1024 -2")
        // `~` binds tighter than `+`, as in Twig: 1 + (2 ~ 3)
        #expect(try render("{{ 1 + 2 ~ 3 }} {{ 'a' ~ (1 + 2) }}") == "24 a3")
        #expect(try render("{{ 'n=' ~ n ~ '!' }} {{ '5' + 1 }} {{ x - 1 }}", ["n": 3, "x": "10"]) == "n=3! 6 9")
        #expect(try render("{{ 10 - 2 - 3 }} {{ 2 ** 3 ** 2 }}") == "5 512")
    }

    @Test func comparisonsAndLogic() throws {
        #expect(try render("{{ 1 < 2 }} {{ 2 <= 2 }} {{ 3 > 4 }} {{ 'b' >= 'a' }} {{ 1 == '1' }} {{ 1 != 2 }} {{ '10' > '9' }}")
            == "true true false true true true true")
        #expect(try render("{{ true and false }} {{ true or false }} {{ not true }} {{ not 0 }} {{ x and y }}", ["x": 1]) == "false true false true false")
        #expect(try render("{{ 1 + 1 == 2 and 'a' < 'b' or false }}") == "true")
    }

    @Test func membershipAndStringTests() throws {
        let context: JSONObject = ["list": [1, "two"], "map": ["k": 1], "text": "hello world"]
        #expect(try render("{{ 1 in list }} {{ 'two' in list }} {{ 3 in list }} {{ 3 not in list }}", context) == "true true false true")
        #expect(try render("{{ 'k' in map }} {{ 'v' in map }} {{ 'lo w' in text }} {{ 'x' not in text }}", context) == "true false true true")
        #expect(try render("{{ text starts with 'hell' }} {{ text ends with 'x' }}", context) == "true false")
        #expect(try render("{{ 'a' in missing }}") == "false")
    }

    @Test func nullCoalescingAndConditionals() throws {
        #expect(try render("{{ missing ?? 'fallback' }} {{ nothing ?? 'n' }} {{ name ?? 'x' }}", ["nothing": nil, "name": "Ann"])
            == "fallback n Ann")
        #expect(try render("{{ a.b.c ?? d ?? 'deep' }}") == "deep")
        #expect(try render("{{ ok ? 'yes' : 'no' }} {{ bad ? 'yes' : 'no' }} {{ ok ? 'only' }}|{{ bad ? 'only' }}|{{ name ?: 'anon' }}",
                           ["ok": true, "bad": false]) == "yes no only||anon")
    }

    @Test func tests() throws {
        let context: JSONObject = ["empty": "", "zero": 0, "list": [], "full": [1], "nothing": nil, "four": 4]
        #expect(try render("{{ missing is defined }} {{ nothing is defined }} {{ missing is not defined }} {{ full.0 is defined }} {{ full.3 is defined }}", context)
            == "false true true true false")
        #expect(try render("{{ empty is empty }} {{ zero is empty }} {{ list is empty }} {{ full is not empty }} {{ missing is empty }}", context)
            == "true false true true true")
        #expect(try render("{{ nothing is null }} {{ missing is none }} {{ zero is null }} {{ four is even }} {{ four is odd }} {{ full is iterable }}", context)
            == "true true false true false true")
        // `is` binds tighter than `not` and `~`
        #expect(try render("{{ not missing is defined }}") == "true")
    }

    @Test func ranges() throws {
        #expect(try render("{{ (1..5)|join(',') }} {{ (3..1)|join(',') }} {{ range(0, 10, 5)|join(',') }} {{ range(5, 1, 2)|join(',') }}")
            == "1,2,3,4,5 3,2,1 0,5,10 5,3,1")
    }

    @Test func commentsAreDropped() throws {
        #expect(try render("a{# a {{ comment }} with {% tags %} #}b") == "ab")
        #expect(try render("a\n{# line #}\nb") == "a\nb")
    }

    @Test func whitespaceControl() throws {
        #expect(try render("<p>  {{- ' x ' -}}  </p>") == "<p> x </p>")
        #expect(try render("a  \n {%- if true -%} \n b \n {%- endif -%}\n  c") == "abc")
        #expect(try render("a \n {#- note -#} \n b") == "ab")
        #expect(try render("a {{- 1 }} b {{ 2 -}} c") == "a1 b 2c")
        // the first newline after a block tag goes, as in Twig; other white space stays
        #expect(try render("<ul>\n{% for i in [1, 2] %}\n  <li>{{ i }}</li>\n{% endfor %}\n</ul>") == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>")
        #expect(try render("{{ 1 }}\n{{ 2 }}\r\n{% if true %}\r\nx{% endif %}") == "1\n2\r\nx")
    }

    @Test func verbatimKeepsDelimiters() throws {
        #expect(try render("{% verbatim %}{{ vue }} {% if %}{% endverbatim %}!") == "{{ vue }} {% if %}!")
        #expect(try render("a {%- verbatim -%}  {{ x }}  {%- endverbatim -%} b") == "a{{ x }}b")
    }

    @Test func nestedBracesInsideOutput() throws {
        #expect(try render(#"{{ {"a": {"b": 1}}|json_encode }}"#) == #"{"a":{"b":1}}"#)
        #expect(try render("{{ ([1, [2, 3]]|last)[0] }}") == "2")
    }

    @Test func rendersUnicodeText() throws {
        #expect(try render("héllo {{ name }} — 😀", ["name": "Zoë"]) == "héllo Zoë — 😀")
    }
}
