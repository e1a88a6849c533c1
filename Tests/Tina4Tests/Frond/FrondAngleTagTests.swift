import Testing
@testable import Tina4

/// `<% … %>` is the same statement tag as `{% … %}`; `<%` before anything else is text.
@Suite struct FrondAngleTagTests {
    @Test func extendsAndBlocksWithAngleTags() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "<title><% block title %>Site<% endblock %></title><main><% block content %><% endblock %></main>")
        dir.write("page.html", "<% extends \"base.html\" %>ignored<% block content %>Hello {{ name }}<% endblock %>")
        #expect(try dir.frond().render("page.html", ["name": "Ann"]) == "<title>Site</title><main>Hello Ann</main>")
    }

    @Test func bothStylesInOneFileAndAcrossParentAndChild() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "[{% block a %}A{% endblock %}|<% block b %>B<% endblock %>]")
        dir.write("child.html", "{% extends 'base.html' %}<% block a %>a{{ parent() }}{% endblock %}{% block b %}b<% endblock %>")
        #expect(try dir.frond().render("child.html", [:]) == "[aA|b]")
    }

    @Test func everyStatementWorksWithAngleTags() throws {
        let dir = TemplateDirectory()
        dir.write("part.html", "(<% if who %>{{ who }}<% endif %>)")
        dir.write("page.html", """
            <% set xs = [1, 2, 3] %><% for x in xs %><% if x == 1 %>one<% elseif x == 2 %>two<% else %>{{ x }}<% endif %>,<% endfor %>\
            <% for y in [] %>y<% else %>empty<% endfor %>\
            <% set greeting %>hi {{ name }}<% endset %>{{ greeting }}\
            <% include "part.html" %><% verbatim %>{{ raw }}<% endverbatim %>
            """)
        #expect(try dir.frond().render("page.html", ["name": "Ann", "who": "Bo"]) == "one,two,3,emptyhi Ann(Bo){{ raw }}")
    }

    @Test func whitespaceControlAndNewlineAfterTheCloser() throws {
        #expect(try render("a\n  <%- if true -%>  \n b <%- endif %>\nc") == "abc")
        // As with `%}`, the first newline after `%>` is dropped.
        #expect(try render("<% if true %>\nx\n<% endif %>\ny") == "x\ny")
    }

    @Test func angleBracketThatIsNoStatementStaysText() throws {
        #expect(try render("<%= name %> and <% name %> and 5 <%b and <%") == "<%= name %> and <% name %> and 5 <%b and <%")
        #expect(try render("<% iffy %><% blocks %>") == "<% iffy %><% blocks %>")
        #expect(try render("<p>50<%</p>{{ v }}", ["v": "ok"]) == "<p>50<%</p>ok")
        // A statement tag is recognised after `-` and spaces too, and a `>` inside it is an operator.
        #expect(try render("<%-   if 2 > 1 %>yes<% endif %>") == "yes")
    }

    @Test func eachOpenerNeedsItsOwnCloser() throws {
        let unclosed = try #require(renderError("<% if x y"))
        #expect(unclosed.description.contains("unclosed '<%' (missing '%>')"))
        #expect(renderError("<% if x %}y<% endif %>")?.description.contains("unexpected '}'") == true)
        #expect(renderError("<% if x y %>z<% endif %>")?.description.contains("unexpected 'y', expected '%>'") == true)
        #expect(renderError("{% if x y %}z{% endif %}")?.description.contains("unexpected 'y', expected '%}'") == true)
        #expect(renderError("{% if x %>y{% endif %}") != nil)
        // Verbatim ends only at an endverbatim closed by its own closer.
        #expect(try render("<% verbatim %>a<% endverbatim %}b<% endverbatim %>") == "a<% endverbatim %}b")
    }
}
