import Testing
@testable import Tina4

@Suite struct FrondLoaderTests {
    @Test func reparsesWhenTheFileChanges() throws {
        let dir = TemplateDirectory()
        dir.write("page.html", "v1 {{ x }}")
        dir.setModified("page.html", seconds: 1_000_000)
        let frond = dir.frond()
        #expect(try frond.render("page.html", ["x": 1]) == "v1 1")

        // same size, same inode, new modification time: re-read
        dir.write("page.html", "v2 {{ x }}")
        dir.setModified("page.html", seconds: 2_000_000)
        #expect(try frond.render("page.html", ["x": 2]) == "v2 2")

        // unchanged stamp: the cached tree is used (the new text is not even read)
        dir.write("page.html", "v3 {{ x }}")
        dir.setModified("page.html", seconds: 2_000_000)
        #expect(try frond.render("page.html", ["x": 3]) == "v2 3")
    }

    @Test func reloadsParentsAndIncludes() throws {
        let dir = TemplateDirectory()
        dir.write("base.html", "old[{% block b %}{% endblock %}]{% include 'part.html' %}")
        dir.write("part.html", "p1")
        dir.write("page.html", "{% extends 'base.html' %}{% block b %}page{% endblock %}")
        for name in ["base.html", "part.html", "page.html"] { dir.setModified(name, seconds: 1_000) }
        let frond = dir.frond()
        #expect(try frond.render("page.html", [:]) == "old[page]p1")
        dir.write("base.html", "new[{% block b %}{% endblock %}]{% include 'part.html' %}")
        dir.write("part.html", "p2")
        dir.setModified("base.html", seconds: 2_000)
        dir.setModified("part.html", seconds: 2_000)
        #expect(try frond.render("page.html", [:]) == "new[page]p2")
    }

    @Test func aFixedSyntaxErrorIsPickedUp() throws {
        let dir = TemplateDirectory()
        dir.write("page.html", "{{ x|nope }}")
        dir.setModified("page.html", seconds: 1_000)
        let frond = dir.frond()
        #expect(throws: FrondError.self) { try frond.render("page.html", ["x": "a"]) }
        dir.write("page.html", "{{ x|upper }}")
        dir.setModified("page.html", seconds: 2_000)
        #expect(try frond.render("page.html", ["x": "a"]) == "A")
    }

    @Test func rejectsNamesOutsideTheDirectory() throws {
        let dir = TemplateDirectory()
        dir.write("sub/ok.html", "ok")
        let frond = dir.frond()
        #expect(try frond.render("sub/ok.html", [:]) == "ok")
        #expect(try frond.render("sub/./ok.html", [:]) == "ok")
        for name in ["../etc/passwd", "/etc/passwd", "sub/../../x.html", "..", "", "a\\b.html", "sub/.."] {
            let error = #expect(throws: FrondError.self) { try frond.render(name, [:]) }
            #expect(error?.message == "invalid template name '\(name)'")
        }
        let error = #expect(throws: FrondError.self) { try frond.renderString("{% include '../secret.html' %}", [:], name: "page.html") }
        #expect(error == FrondError(template: "page.html", line: 1, column: 12, message: "invalid template name '../secret.html'"))
    }

    @Test func directoriesAreNotTemplates() throws {
        let dir = TemplateDirectory()
        dir.write("sub/ok.html", "ok")
        let error = #expect(throws: FrondError.self) { try dir.frond().render("sub", [:]) }
        #expect(error?.message == "template 'sub' not found in \(dir.path)")
    }

    @Test func fallbackIsUsedOnlyWhileTheFileIsMissing() throws {
        let dir = TemplateDirectory()
        let frond = dir.frond(fallbacks: ["index.html": "built-in {{ v }}"])
        #expect(try frond.render("index.html", ["v": 1]) == "built-in 1")
        dir.write("index.html", "disk {{ v }}")
        #expect(try frond.render("index.html", ["v": 2]) == "disk 2")
        #expect(frond.directory == dir.path)
    }

    @Test func renderStringNamesItsErrors() {
        let frond = Frond(directory: "/tmp")
        #expect(throws: FrondError(template: "<string>", line: 1, column: 6, message: "unknown filter 'x'")) {
            try frond.renderString("{{ a|x }}", [:])
        }
    }
}
