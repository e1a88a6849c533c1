import Testing
@testable import Tina4

@Suite struct StaticEmbeddedTests {
    /// A fresh directory per test, removed when the test's suite instance goes away.
    let site = TempSite()
    static let frond = Array("window.frond = {}".utf8)

    @Test func embeddedFileAnswersWhenNothingIsOnDisk() throws {
        let statics = site.statics(embedded: ["js/frond.js": Self.frond], embeddedModified: 784_111_777)
        let response = try #require(request(statics, "/js/frond.js"))
        #expect(response.status == 200)
        #expect(response.body == Self.frond)
        #expect(response.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(response.header("Last-Modified") == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(response.header("ETag") == StaticFiles.EntityTag.forBytes(Self.frond))
        #expect(response.header("Content-Length") == String(Self.frond.count))
    }

    @Test func embeddedFilesWorkWithoutAnyRootDirectory() {
        let statics = StaticFiles(root: "/tmp/tina4-static-no-such-dir/public", embedded: ["js/frond.js": Self.frond])
        let response = request(statics, "/js/frond.js")
        #expect(response?.body == Self.frond)
        #expect(response?.header("Last-Modified") == nil)
        #expect(request(statics, "/js/other.js") == nil)
    }

    @Test func fileOnDiskOverridesTheEmbeddedOne() {
        site.write("js/frond.js", "custom")
        let statics = site.statics(embedded: ["js/frond.js": Self.frond])
        #expect(request(statics, "/js/frond.js")?.text == "custom")
    }

    @Test func embeddedFilesSupportValidatorsHeadAndRanges() throws {
        let statics = StaticFiles(root: "/tmp/tina4-static-no-such-dir", embedded: ["/js/frond.js": Self.frond], embeddedModified: 1_000)
        let etag = try #require(request(statics, "/js/frond.js")?.header("ETag"))
        #expect(request(statics, "/js/frond.js", headers: ["If-None-Match": etag])?.status == 304)
        #expect(request(statics, "/js/frond.js", headers: ["If-Modified-Since": HTTPDate.format(1_000)])?.status == 304)
        let head = request(statics, "/js/frond.js", method: "HEAD")
        #expect(head?.body.isEmpty == true && head?.header("Content-Length") == String(Self.frond.count))
        let part = request(statics, "/js/frond.js", headers: ["Range": "bytes=0-5"])
        #expect(part?.status == 206 && part?.text == "window")
    }

    @Test func embeddedIndexAndTraversalRules() {
        let statics = StaticFiles(
            root: "/tmp/tina4-static-no-such-dir",
            embedded: ["index.html": Array("home".utf8), "docs/index.html": Array("docs".utf8), "js/frond.js": Self.frond])
        #expect(request(statics, "/")?.text == "home")
        #expect(request(statics, "/docs/")?.text == "docs")
        #expect(request(statics, "/docs")?.status == 301)
        #expect(request(statics, "/docs")?.header("Location") == "/docs/")
        #expect(request(statics, "/js/frond.js/") == nil)
        #expect(request(statics, "/js/../js/frond.js") == nil)
        #expect(request(statics, "/js/%2e%2e/js/frond.js") == nil)
        #expect(request(statics, "/js%2ffrond.js") == nil)
        #expect(request(statics, "/js/frond.js", method: "POST") == nil)
    }

    @Test func embeddedFileOverTheCapAnswers500() {
        var statics = StaticFiles(root: "/tmp/tina4-static-no-such-dir", embedded: ["js/frond.js": Self.frond])
        statics.maxFileBytes = 3
        #expect(request(statics, "/js/frond.js")?.status == 500)
    }

    @Test func embeddedTagsDependOnContent() {
        #expect(StaticFiles.EntityTag.forBytes([1, 2, 3]) == StaticFiles.EntityTag.forBytes([1, 2, 3]))
        #expect(StaticFiles.EntityTag.forBytes([1, 2, 3]) != StaticFiles.EntityTag.forBytes([1, 2, 4]))
        #expect(StaticFiles.EntityTag.forBytes([]).hasPrefix("\"0-"))
    }
}
