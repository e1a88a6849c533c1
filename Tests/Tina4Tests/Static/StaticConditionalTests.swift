import Testing
@testable import Tina4

@Suite struct StaticConditionalTests {
    /// Lives as long as the test: `/app.js`, last modified Sun, 06 Nov 1994 08:49:37 GMT.
    let site = TempSite()
    let statics: StaticFiles

    init() {
        site.write("app.js", "console.log(1)")
        site.touch("app.js", seconds: 784_111_777)
        statics = site.statics()
    }

    func currentTag() throws -> String {
        try #require(request(statics, "/app.js")?.header("ETag"))
    }

    @Test func matchingETagAnswers304WithoutBody() throws {
        let etag = try currentTag()
        let response = try #require(request(statics, "/app.js", headers: ["If-None-Match": etag]))
        #expect(response.status == 304)
        #expect(response.body.isEmpty)
        #expect(response.header("ETag") == etag)
        #expect(response.header("Last-Modified") == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(response.header("Cache-Control") == "no-cache")
        #expect(response.header("Content-Length") == nil)
        let head = try #require(request(statics, "/app.js", method: "HEAD", headers: ["if-none-match": etag]))
        #expect(head.status == 304)
    }

    @Test func ifNoneMatchUsesWeakComparisonListsAndStar() throws {
        let etag = try currentTag()
        for value in ["W/\(etag)", "\"nope\", \(etag)", "\"a\",W/\(etag) , \"b\"", "*", " * "] {
            #expect(request(statics, "/app.js", headers: ["If-None-Match": value])?.status == 304, "\(value)")
        }
        for value in ["\"nope\"", "W/\"nope\"", String(etag.dropFirst().dropLast()), "\(etag) junk", "\"unterminated"] {
            #expect(request(statics, "/app.js", headers: ["If-None-Match": value])?.status == 200, "\(value)")
        }
    }

    @Test func ifModifiedSinceAnswers304WhenNotModified() throws {
        let same = "Sun, 06 Nov 1994 08:49:37 GMT"
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": same])?.status == 304)
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": "Sun, 06 Nov 1994 08:49:38 GMT"])?.status == 304)
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": "Sunday, 06-Nov-94 08:49:37 GMT"])?.status == 304)
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": "Sun Nov  6 08:49:37 1994"])?.status == 304)
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": "Sun, 06 Nov 1994 08:49:36 GMT"])?.status == 200)
        #expect(request(statics, "/app.js", headers: ["If-Modified-Since": "not a date"])?.status == 200)
    }

    @Test func ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() throws {
        let etag = try currentTag()
        let headers = ["If-None-Match": "\"other\"", "If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"]
        #expect(request(statics, "/app.js", headers: headers)?.status == 200)
        let both = ["If-None-Match": etag, "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"]
        #expect(request(statics, "/app.js", headers: both)?.status == 304)
    }

    @Test func notModifiedWinsOverRange() throws {
        let etag = try currentTag()
        #expect(request(statics, "/app.js", headers: ["If-None-Match": etag, "Range": "bytes=0-1"])?.status == 304)
    }
}
