import Testing
@testable import Tina4

/// A directory asked for without its trailing slash redirects to it, so relative links work.
@Suite struct StaticRedirectTests {
    /// A fresh directory per test, removed when the test's suite instance goes away.
    let site = TempSite()

    @Test func directoryWithoutSlashRedirectsWith301KeepingTheQuery() throws {
        site.write("docs/index.html", "<link rel=stylesheet href=style.css>")
        let statics = site.statics()
        let redirect = try #require(request(statics, "/docs"))
        #expect(redirect.status == 301)
        #expect(redirect.header("Location") == "/docs/")
        #expect(redirect.header("Content-Length") == "0")
        #expect(redirect.body.isEmpty)
        let withQuery = statics.respond(method: "GET", rawPath: "/docs", query: "v=2&x=%20y") { _ in nil }
        #expect(withQuery?.status == 301)
        #expect(withQuery?.header("Location") == "/docs/?v=2&x=%20y")
        #expect(statics.respond(method: "HEAD", rawPath: "/docs", query: "") { _ in nil }?.header("Location") == "/docs/?")
        // The slash form serves the page itself.
        #expect(request(statics, "/docs/")?.status == 200)
    }

    @Test func nestedAndEncodedDirectoryNamesStayOnThisServer() {
        site.write("a/b c/index.html", "deep")
        site.write("evil.com/index.html", "a directory that looks like a host")
        site.write("é/index.html", "accent")
        let statics = site.statics()
        #expect(request(statics, "/a/b%20c")?.header("Location") == "/a/b%20c/")
        #expect(request(statics, "/evil.com")?.header("Location") == "/evil.com/")
        // A raw UTF-8 byte in the request line is percent-encoded in the header.
        #expect(request(statics, "/é")?.header("Location") == "/%C3%A9/")
        #expect(request(statics, "/%C3%A9")?.header("Location") == "/%C3%A9/")
    }

    @Test(arguments: ["//evil.com", "///evil.com", "/%2F%2Fevil.com", "/%2fevil.com", "/\\evil.com", "/%5Cevil.com", "//evil.com/"])
    func pathsThatCouldNameAnotherHostNeverRedirect(path: String) {
        site.write("evil.com/index.html", "x")
        #expect(request(site.statics(), path) == nil)
    }

    @Test func redirectRefusesALocationThatIsNotALocalPath() {
        #expect(StaticFiles.redirectToDirectory(rawPath: "//evil.com", query: nil) == nil)
        #expect(StaticFiles.redirectToDirectory(rawPath: "evil.com", query: nil) == nil)
        #expect(StaticFiles.redirectToDirectory(rawPath: "/ok", query: "a\r\nSet-Cookie: x=1")?.header("Location")
            == "/ok/?a%0D%0ASet-Cookie:%20x=1")
    }

    @Test func directoryWithoutIndexAndPlainFilesDoNotRedirect() {
        site.mkdir("empty")
        site.write("page.txt", "page")
        let statics = site.statics()
        #expect(request(statics, "/empty") == nil)
        #expect(request(statics, "/page.txt")?.status == 200)
    }

    @Test func builtInDirectoryRedirectsAndAFileWinsOverADirectoryIndex() {
        let statics = site.statics(embedded: ["guide/index.html": Array("guide".utf8), "js/frond.js": [1]])
        #expect(request(statics, "/guide")?.status == 301)
        #expect(request(statics, "/guide")?.header("Location") == "/guide/")
        #expect(request(statics, "/guide/")?.text == "guide")
        #expect(request(statics, "/js/frond.js")?.status == 200)
        // On disk, a directory without index.html lets the built-in index answer through the redirect.
        site.mkdir("guide")
        #expect(request(statics, "/guide")?.status == 301)
        #expect(request(statics, "/guide/")?.text == "guide")
    }
}
