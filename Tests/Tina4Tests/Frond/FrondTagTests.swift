import Testing
@testable import Tina4

@Suite struct FrondTagTests {
    @Test func ifElseifElse() throws {
        let source = "{% if n > 10 %}big{% elseif n > 5 %}medium{% elseif n is defined %}small{% else %}none{% endif %}"
        #expect(try render(source, ["n": 20]) == "big")
        #expect(try render(source, ["n": 7]) == "medium")
        #expect(try render(source, ["n": 1]) == "small")
        #expect(try render(source) == "none")
        #expect(try render("{% if '0' %}a{% endif %}{% if [] %}b{% endif %}{% if 'x' %}c{% endif %}") == "c")
    }

    @Test func forOverListsMapsAndRanges() throws {
        #expect(try render("{% for x in xs %}[{{ x }}]{% endfor %}", ["xs": ["a", "b"]]) == "[a][b]")
        #expect(try render("{% for k, v in m %}{{ k }}={{ v }};{% endfor %}", ["m": ["b": 1, "a": 2]]) == "b=1;a=2;")
        #expect(try render("{% for v in m %}{{ v }}{% endfor %}", ["m": ["b": 1, "a": 2]]) == "12")
        #expect(try render("{% for i, v in ['x', 'y'] %}{{ i }}{{ v }}{% endfor %}") == "0x1y")
        #expect(try render("{% for i in 1..3 %}{{ i }}{% endfor %}") == "123")
    }

    @Test func loopVariables() throws {
        let source = "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}/{{ loop.revindex }}"
            + "{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}"
        #expect(try render(source, ["xs": ["a", "b", "c"]]) == "1/0/3/3F 2/1/3/2 3/2/3/1L ")
        // nested loops each have their own `loop`
        #expect(try render("{% for a in [1, 2] %}{% for b in [1, 2] %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}") == "121;122;")
    }

    @Test func forElseOnEmptySequences() throws {
        let source = "{% for x in xs %}{{ x }}{% else %}nothing{% endfor %}"
        #expect(try render(source, ["xs": []]) == "nothing")
        #expect(try render(source, ["xs": [:]]) == "nothing")
        #expect(try render(source) == "nothing")
        #expect(try render(source, ["xs": "not a list"]) == "nothing")
        #expect(try render(source, ["xs": [1]]) == "1")
    }

    @Test func loopScoping() throws {
        // variables created inside a loop vanish; changes to outer variables stay; the loop variable is restored
        let source = "{% set total = 0 %}{% set x = 'outer' %}{% for x in [1, 2, 3] %}{% set total = total + x %}{% set inner = 1 %}{% endfor %}"
            + "{{ total }} {{ x }} [{{ inner }}] [{{ loop.index }}]"
        #expect(try render(source) == "6 outer [] []")
    }

    @Test func setAndCapture() throws {
        #expect(try render("{% set greeting = 'Hi ' ~ name %}{{ greeting }}", ["name": "Ann"]) == "Hi Ann")
        #expect(try render("{% set items = [1, 2] %}{{ items|length }}") == "2")
        #expect(try render("{% set nothing = missing %}{{ nothing is defined }}") == "true")
        // captured markup is safe
        #expect(try render("{% set box %}<b>{{ v }}</b>{% endset %}{{ box }}", ["v": "<i>"]) == "<b>&lt;i&gt;</b>")
        #expect(try render("{% set raw = v|raw %}{{ raw }}", ["v": "<i>"]) == "<i>")
    }

    @Test func blockWithoutInheritanceRendersInPlace() throws {
        #expect(try render("a{% block b %}B{% endblock %}c{% block t 'T'|lower %}") == "aBct")
        #expect(try render("{% block outer %}<{% block inner %}i{% endblock inner %}>{% endblock outer %}") == "<i>")
    }

    @Test func setInsideABlockStaysInside() throws {
        #expect(try render("{% set x = 1 %}{% block b %}{% set x = 2 %}{{ x }}{% endblock %}{{ x }}") == "21")
    }
}
