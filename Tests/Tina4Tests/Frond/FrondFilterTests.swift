import Testing
@testable import Tina4

@Suite struct FrondFilterTests {
    @Test func caseFilters() throws {
        #expect(try render("{{ 'héllo'|upper }} {{ 'ÀB'|lower }} {{ 'hELLO wORLD'|capitalize }} {{ \"o'neil jean-luc  x\"|title }}")
            == "HÉLLO àb Hello world O&#39;neil Jean-Luc  X")
    }

    @Test func trim() throws {
        #expect(try render("[{{ '  a b \n'|trim }}][{{ '--a--'|trim('-') }}][{{ '  a  '|trim(' ', 'left') }}][{{ '  a  '|trim(' ', 'right') }}]")
            == "[a b][a][a  ][  a]")
    }

    @Test func defaultFilter() throws {
        let context: JSONObject = ["empty": "", "zero": 0, "list": [], "nothing": nil, "name": "Ann", "no": false]
        #expect(try render("{{ missing|default('n/a') }} {{ empty|default('e') }} {{ zero|default('z') }} {{ list|default('l') }}", context)
            == "n/a e 0 l")
        #expect(try render("{{ nothing|default('x') }} {{ name|default('x') }} {{ no|default('f') }} [{{ missing|default }}] {{ a.b.c|default('deep') }}", context)
            == "x Ann f [] deep")
    }

    @Test func length() throws {
        #expect(try render("{{ 'héllo'|length }} {{ [1, 2, 3]|length }} {{ {a: 1}|length }} {{ missing|length }} {{ 1234|length }}") == "5 3 1 0 4")
    }

    @Test func joinAndSplit() throws {
        #expect(try render("{{ [1, 'a', 2.5]|join }} {{ ['a', 'b', 'c']|join(', ') }} {{ ['a', 'b', 'c']|join(', ', ' and ') }} {{ {x: 1, y: 2}|join('-') }}")
            == "1a2.5 a, b, c a, b and c 1-2")
        #expect(try render("{{ 'a,b,,c'|split(',')|json_encode }} {{ 'a,b,c'|split(',', 2)|json_encode }} {{ 'a,b,c'|split(',', -1)|json_encode }}")
            == #"["a","b","","c"] ["a","b,c"] ["a","b"]"#)
        #expect(try render("{{ 'abcde'|split('')|join(' ') }} {{ 'abcde'|split('', 2)|join(' ') }}") == "a b c d e ab cd e")
    }

    @Test func replace() throws {
        #expect(try render(#"{{ "I like %this% and %that%."|replace({'%this%': 'cats', '%that%': 'dogs'}) }}"#) == "I like cats and dogs.")
        #expect(try render("{{ 'aaa'|replace('a', 'b') }} {{ 'hello'|replace({'l': 'L', 'll': 'X'}) }} {{ 'ab'|replace({'a': 'b', 'b': 'a'}) }}")
            == "bbb heXo ba")
    }

    @Test func firstLastReverse() throws {
        #expect(try render("{{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'héllo'|first }} {{ 'héllo'|last }} {{ {a: 1, b: 2}|first }} [{{ []|first }}]")
            == "1 3 h o 1 []")
        #expect(try render("{{ [1, 2, 3]|reverse|join }} {{ 'héllo'|reverse }} {{ {a: 1, b: 2}|reverse|json_encode }}") == #"321 olléh {"b":2,"a":1}"#)
    }

    @Test func sortAndKeys() throws {
        #expect(try render("{{ [3, 1, 2]|sort|join }} {{ ['b', 'c', 'a']|sort|join }} {{ {x: 3, y: 1}|sort|json_encode }} {{ {x: 3, y: 1}|sort|keys|join }}")
            == #"123 abc {"y":1,"x":3} yx"#)
        #expect(try render("{{ {b: 1, a: 2}|keys|join(',') }} {{ ['x', 'y']|keys|join(',') }}") == "b,a 0,1")
    }

    @Test func jsonEncodeIsSafeForScripts() throws {
        let context: JSONObject = ["data": ["msg": "</script><b>&'\""]]
        #expect(try render("<script>var d = {{ data|json_encode }};</script>", context)
            == #"<script>var d = {"msg":"\u003c/script\u003e\u003cb\u003e\u0026\u0027\u0022"};</script>"#)
        #expect(try render("{{ missing|json_encode }} {{ 'x'|json_encode }} {{ 1.5|json_encode }}") == #"null "x" 1.5"#)
        // a filter after json_encode makes plain text again, which is escaped
        #expect(try render("{{ 'x'|json_encode|upper }}") == "&quot;X&quot;")
    }

    @Test func urlEncode() throws {
        #expect(try render("{{ 'a b&c/d?é~_.-'|url_encode }}") == "a%20b%26c%2Fd%3F%C3%A9~_.-")
        #expect(try render("{{ {q: 'a b', page: 2}|url_encode }}") == "q=a%20b&amp;page=2")
        #expect(try render("{{ {q: 'a b', page: 2}|url_encode|raw }}") == "q=a%20b&page=2")
    }

    @Test func nl2br() throws {
        #expect(try render("{{ text|nl2br }}", ["text": "a <b>\nc\r\nd"]) == "a &lt;b&gt;<br>\nc<br>\r\nd")
        #expect(try render("{{ text|raw|nl2br }}", ["text": "<i>a</i>\nb"]) == "<i>a</i><br>\nb")
    }

    @Test func striptags() throws {
        #expect(try render("{{ html|striptags }}", ["html": "<p class=\"a>b\">Hi <b>there</b><!-- secret --></p> a < b"])
            == "Hi there a &lt; b")
    }

    @Test func dateFormats() throws {
        let context: JSONObject = ["iso": "2024-03-09T14:05:07Z", "ts": 1_700_000_000, "offset": "2024-03-09T23:30:00-02:00"]
        #expect(try render("{{ iso|date('Y-m-d H:i:s') }}", context) == "2024-03-09 14:05:07")
        #expect(try render("{{ iso|date('D, j M y / n / l jS F') }}", context) == "Sat, 9 Mar 24 / 3 / Saturday 9th March")
        #expect(try render("{{ iso|date }}", context) == "March 9, 2024 14:05")
        #expect(try render("{{ ts|date('Y-m-d H:i:s') }} {{ '1700000000'|date('U') }}", context) == "2023-11-14 22:13:20 1700000000")
        #expect(try render("{{ offset|date('Y-m-d H:i') }}", context) == "2024-03-10 01:30")
        #expect(try render("{{ '2024-02-29'|date('d/m/Y H:i A g a \\\\Y t L N w z') }}") == "29/02/2024 00:00 AM 12 am Y 29 1 4 4 59")
        #expect(try render("{{ '2024-01-05 08:09'|date('c') }} {{ '1969-12-31T23:59:59.5Z'|date('r u') }}")
            == "2024-01-05T08:09:00+00:00 Wed, 31 Dec 1969 23:59:59 +0000 500000")
        #expect(try render("{{ '2021-01-03'|date('W o') }} {{ '2024-12-30'|date('W o') }}") == "53 2020 01 2025")
        #expect(try render("[{{ missing|date }}]") == "[]")
        let year = try render("{{ 'now'|date('Y') }}")
        #expect(Int(year).map { $0 >= 2024 } == true)
    }

    @Test func roundFilter() throws {
        #expect(try render("{{ 2.5|round }} {{ (-2.5)|round }} {{ 3.14159|round(2) }} {{ 1.005|round(2) }} {{ 1234|round(-2) }}") == "3 -3 3.14 1.01 1200")
        #expect(try render("{{ 2.7|round(0, 'floor') }} {{ (-2.1)|round(0, 'floor') }} {{ 2.1|round(0, 'ceil') }} {{ 1.234|round(1, 'ceil') }} {{ '4.6'|round }}")
            == "2 -3 3 1.3 5")
    }

    @Test func numberFormat() throws {
        #expect(try render("{{ 1234567.891|number_format }} {{ 1234567.891|number_format(2) }} {{ 1234567.891|number_format(2, ',', '.') }}")
            == "1,234,568 1,234,567.89 1.234.567,89")
        #expect(try render("{{ 0.5|number_format }} {{ (-1234.5)|number_format(1) }} {{ 999.996|number_format(2) }} {{ 12|number_format(2, '.', ' ') }} {{ (-0.001)|number_format(2) }}")
            == "1 -1,234.5 1,000.00 12.00 0.00")
    }

    @Test func abs() throws {
        // unary minus applies after the filter, as in Twig
        #expect(try render("{{ -3|abs }} {{ (-3)|abs }} {{ (0 - 2.5)|abs }}") == "-3 3 2.5")
    }
}
