import Testing
@testable import Tina4

@Suite struct FrondInheritanceTests {
    @Test func childOverridesBlocksAndIgnoresOutsideContent() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "<title>{% block title %}Site{% endblock %}</title><main>{% block content %}{% endblock %}</main>")
        dir.write("page.html", "{% extends \"base.html\" %}ignored text{% block content %}Hello {{ name }}{% endblock %}{{ ignored }}")
        #expect(try dir.frond().render("page.html", ["name": "Ann"]) == "<title>Site</title><main>Hello Ann</main>")
    }

    @Test func multiLevelExtendsWithParent() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "[{% block title %}Base{% endblock %}|{% block body %}base body{% endblock %}]")
        dir.write("layout.html", "{% extends 'base.html' %}{% block title %}Layout - {{ parent() }}{% endblock %}"
            + "{% block body %}<div>{% block inner %}layout inner{% endblock %}</div>{% endblock %}")
        dir.write("page.html", "{% extends 'layout.html' %}{% set who = 'page' %}{% block title %}Page - {{ parent() }}{% endblock %}"
            + "{% block inner %}{{ who }}: {{ parent() }}{% endblock %}")
        #expect(try dir.frond().render("page.html", [:]) == "[Page - Layout - Base|<div>page: layout inner</div>]")
        #expect(try dir.frond().render("layout.html", [:]) == "[Layout - Base|<div>layout inner</div>]")
    }

    @Test func parentOutputIsNotEscapedAgainAndCanBeFiltered() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "{% block b %}<b>{{ v }}</b>{% endblock %}")
        dir.write("child.html", "{% extends 'base.html' %}{% block b %}{{ parent() }}|{{ parent()|upper }}{% endblock %}")
        // parent() is safe markup; a filter after it makes plain text again, which is escaped
        #expect(try dir.frond().render("child.html", ["v": "&"]) == "<b>&amp;</b>|&lt;B&gt;&amp;AMP;&lt;/B&gt;")
    }

    @Test func dynamicParentName() throws {
        let dir = TemplateDirectory()
        dir.write("a.html", "A:{% block x %}{% endblock %}")
        dir.write("b.html", "B:{% block x %}{% endblock %}")
        dir.write("child.html", "{% extends layout %}{% block x %}x{% endblock %}")
        #expect(try dir.frond().render("child.html", ["layout": "b.html"]) == "B:x")
    }

    @Test func includeSharesContextWithAndOnly() throws {
        let dir = TemplateDirectory()
        dir.write("partials/card.html", "[{{ title }}|{{ user }}]")
        let frond = dir.frond()
        let context: JSONObject = ["title": "T", "user": "Ann"]
        #expect(try frond.renderString("{% include 'partials/card.html' %}", context) == "[T|Ann]")
        #expect(try frond.renderString("{% include 'partials/card.html' with {title: 'W'} %}", context) == "[W|Ann]")
        #expect(try frond.renderString("{% include 'partials/card.html' with {'title': 'O'} only %}", context) == "[O|]")
        #expect(try frond.renderString("{% include 'partials/card.html' only %}", context) == "[|]")
        #expect(try frond.renderString("{% for t in ['a', 'b'] %}{% include 'partials/card.html' with {title: t} %}{% endfor %}", context)
            == "[a|Ann][b|Ann]")
        // the include does not leak its variables
        dir.write("setter.html", "{% set title = 'changed' %}")
        #expect(try frond.renderString("{% include 'setter.html' %}{{ title }}", context) == "T")
    }

    @Test func includeSeesLoopAndCanIgnoreMissing() throws {
        let dir = TemplateDirectory()
        dir.write("row.html", "{{ loop.index }}:{{ item }} ")
        #expect(try dir.frond().renderString("{% for item in ['a', 'b'] %}{% include 'row.html' %}{% endfor %}", [:]) == "1:a 2:b ")
        #expect(try dir.frond().renderString("a{% include 'nope.html' ignore missing %}b", [:]) == "ab")
    }

    @Test func includedTemplateMayExtend() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "<{% block x %}{% endblock %}>")
        dir.write("widget.html", "{% extends 'base.html' %}{% block x %}w{% endblock %}")
        #expect(try dir.frond().renderString("{% block x %}page{% endblock %}{% include 'widget.html' %}", [:]) == "page<w>")
    }

    @Test func fallbacksServeMissingFiles() throws {
        let dir = TemplateDirectory()
        dir.write("page.html", "{% extends 'base.html' %}{% block c %}disk{% endblock %}")
        let frond = dir.frond(fallbacks: ["base.html": "built-in<{% block c %}{% endblock %}>"])
        #expect(try frond.render("page.html", [:]) == "built-in<disk>")
        // a file on disk wins over the fallback
        dir.write("base.html", "disk base<{% block c %}{% endblock %}>")
        #expect(try frond.render("page.html", [:]) == "disk base<disk>")
    }

    @Test func selfIncludeStopsAt32Levels() throws {
        let dir = TemplateDirectory()
        dir.write("loop.html", "x{% include 'loop.html' %}")
        let error = #expect(throws: FrondError.self) { try dir.frond().render("loop.html", [:]) }
        #expect(error == FrondError(template: "loop.html", line: 1, column: 13, message: "template recursion deeper than 32"))
        // a bounded recursion is fine
        dir.write("count.html", "{{ n }}{% if n < 5 %}{% include 'count.html' with {n: n + 1} %}{% endif %}")
        #expect(try dir.frond().render("count.html", ["n": 1]) == "12345")
    }

    @Test func extendsCycleStopsAt32Levels() throws {
        let dir = TemplateDirectory()
        dir.write("a.html", "{% extends 'b.html' %}")
        dir.write("b.html", "{% extends 'a.html' %}")
        let error = #expect(throws: FrondError.self) { try dir.frond().render("a.html", [:]) }
        #expect(error?.message == "template recursion deeper than 32")
        #expect(error?.line == 1 && error?.column == 12)
    }
}
