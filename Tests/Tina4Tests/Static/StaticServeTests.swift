import Glibc
import Testing
@testable import Tina4

@Suite struct StaticServeTests {
    /// A fresh directory per test, removed when the test's suite instance goes away.
    let site = TempSite()

    @Test func getAnswersWithTheFileAndItsValidators() throws {
        site.write("css/site.css", "body { color: red }")
        site.touch("css/site.css", seconds: 784_111_777)
        let response = try #require(request(site.statics(), "/css/site.css"))
        #expect(response.status == 200)
        #expect(response.text == "body { color: red }")
        #expect(response.header("Content-Type") == "text/css; charset=utf-8")
        #expect(response.header("Content-Length") == "19")
        #expect(response.header("Last-Modified") == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(response.header("Cache-Control") == "no-cache")
        #expect(response.header("Accept-Ranges") == "bytes")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        let etag = try #require(response.header("ETag"))
        #expect(etag.hasPrefix("\"13-") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
    }

    @Test func etagChangesWhenTheFileChanges() throws {
        site.write("a.txt", "one")
        site.touch("a.txt", seconds: 1_000_000)
        let first = try #require(request(site.statics(), "/a.txt")?.header("ETag"))
        site.touch("a.txt", seconds: 1_000_001)
        let second = try #require(request(site.statics(), "/a.txt")?.header("ETag"))
        site.write("a.txt", "three")
        let third = try #require(request(site.statics(), "/a.txt")?.header("ETag"))
        #expect(first != second && second != third && first != third)
    }

    @Test func headSendsGetHeadersWithoutBody() throws {
        site.write("index.html", "<h1>hi</h1>")
        let get = try #require(request(site.statics(), "/index.html"))
        let head = try #require(request(site.statics(), "/index.html", method: "HEAD"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers.map(\.0) == get.headers.map(\.0))
        #expect(head.header("Content-Length") == "11")
        #expect(head == StaticResponse(status: 200, headers: get.headers, body: []))
    }

    @Test func emptyFileIsServed() throws {
        site.write("empty.txt", "")
        let response = try #require(request(site.statics(), "/empty.txt"))
        #expect(response.status == 200 && response.body.isEmpty && response.header("Content-Length") == "0")
    }

    @Test func percentEncodedNamesAreDecoded() throws {
        site.write("a b/é.txt", "unicode")
        let response = try #require(request(site.statics(), "/a%20b/%C3%A9.txt"))
        #expect(response.text == "unicode")
        #expect(request(site.statics(), "/a b/é.txt")?.text == "unicode")
    }

    @Test func otherMethodsAndMissingFilesAnswerNil() {
        site.write("a.txt", "x")
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get", "head"] {
            #expect(request(site.statics(), "/a.txt", method: method) == nil, "\(method)")
        }
        #expect(request(site.statics(), "/missing.txt") == nil)
        #expect(request(StaticFiles(root: site.base + "/nowhere"), "/a.txt") == nil)
    }

    @Test func indexHTMLAnswersForDirectories() throws {
        site.write("index.html", "home")
        site.write("docs/index.html", "docs")
        site.mkdir("empty")
        site.write("page.txt", "page")
        let statics = site.statics()
        #expect(request(statics, "/")?.text == "home")
        #expect(request(statics, "/docs/")?.text == "docs")
        let page = try #require(request(statics, "/docs/"))
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(request(statics, "/docs")?.status == 301)  // StaticRedirectTests
        #expect(request(statics, "/empty/") == nil)
        #expect(request(statics, "/empty") == nil)
        #expect(request(statics, "/page.txt/") == nil)
    }

    @Test func rootWithoutIndexAnswersNil() {
        site.write("a.txt", "x")
        #expect(request(site.statics(), "/") == nil)
    }

    @Test func fileOverTheCapAnswers500() throws {
        site.write("big.bin", [UInt8](repeating: 7, count: 10))
        var statics = site.statics()
        statics.maxFileBytes = 4
        let response = try #require(request(statics, "/big.bin"))
        #expect(response.status == 500)
        #expect(response.text == "file too large to serve (10 bytes, cap 4)")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("Content-Length") == String(response.body.count))
        let head = try #require(request(statics, "/big.bin", method: "HEAD"))
        #expect(head.status == 500 && head.body.isEmpty && head.header("Content-Length") == String(response.body.count))
        statics.maxFileBytes = 10
        #expect(request(statics, "/big.bin")?.status == 200)
    }

    @Test func responsesCompareHeadersPairwise() {
        let a = StaticResponse(status: 200, headers: [("A", "1"), ("B", "2")], body: [1])
        #expect(a == StaticResponse(status: 200, headers: [("A", "1"), ("B", "2")], body: [1]))
        #expect(a != StaticResponse(status: 200, headers: [("B", "2"), ("A", "1")], body: [1]))
        #expect(a != StaticResponse(status: 200, headers: [("A", "1")], body: [1]))
        #expect(a != StaticResponse(status: 206, headers: a.headers, body: [1]))
        #expect(a != StaticResponse(status: 200, headers: a.headers, body: [2]))
        #expect(a.header("b") == "2" && a.header("c") == nil)
    }
}
