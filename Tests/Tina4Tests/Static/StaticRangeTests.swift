import Testing
@testable import Tina4

@Suite struct StaticRangeTests {
    static let content = "0123456789abcdefghij"   // 20 bytes

    /// Lives as long as the test: `/data.txt`, last modified at 1600000000.
    let site = TempSite()
    let statics: StaticFiles

    init() {
        site.write("data.txt", Self.content)
        site.touch("data.txt", seconds: 1_600_000_000)
        statics = site.statics()
    }

    @Test(arguments: [
        ("bytes=0-4", "01234", "bytes 0-4/20"),
        ("bytes=5-5", "5", "bytes 5-5/20"),
        ("bytes=15-", "fghij", "bytes 15-19/20"),
        ("bytes=-3", "hij", "bytes 17-19/20"),
        ("bytes=-50", content, "bytes 0-19/20"),
        ("bytes=10-99", "abcdefghij", "bytes 10-19/20"),
        ("bytes=18-99999999999999999999999", "ij", "bytes 18-19/20"),
        ("BYTES = 1-2 ", "12", "bytes 1-2/20"),
    ])
    func singleRangeAnswers206(_ range: String, _ body: String, _ contentRange: String) throws {
        let response = try #require(request(statics, "/data.txt", headers: ["Range": range]))
        #expect(response.status == 206)
        #expect(response.text == body)
        #expect(response.header("Content-Range") == contentRange)
        #expect(response.header("Content-Length") == String(body.utf8.count))
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("Accept-Ranges") == "bytes")
        #expect(response.header("ETag") != nil)
    }

    @Test(arguments: ["bytes=20-", "bytes=25-30", "bytes=-0", "bytes=99999999999999999999999-"])
    func unsatisfiableRangeAnswers416(_ range: String) throws {
        let response = try #require(request(statics, "/data.txt", headers: ["Range": range]))
        #expect(response.status == 416)
        #expect(response.header("Content-Range") == "bytes */20")
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "0")
    }

    @Test(arguments: [
        "bytes=0-1,5-6", "bytes=0-1, 3-", "bytes=5-2", "bytes=a-b", "bytes=", "bytes=-", "items=0-4",
        "0-4", "bytes=1-2-3", "bytes=+1-2",
    ])
    func multipleOrMalformedRangesSendEverything(_ range: String) throws {
        let response = try #require(request(statics, "/data.txt", headers: ["Range": range]))
        #expect(response.status == 200)
        #expect(response.text == Self.content)
        #expect(response.header("Content-Range") == nil)
    }

    @Test func headIgnoresRange() throws {
        let response = try #require(request(statics, "/data.txt", method: "HEAD", headers: ["Range": "bytes=0-4"]))
        #expect(response.status == 200 && response.body.isEmpty && response.header("Content-Length") == "20")
    }

    @Test func emptyFileHasNoSatisfiableRange() throws {
        site.write("empty.txt", "")
        #expect(request(site.statics(), "/empty.txt", headers: ["Range": "bytes=0-"])?.status == 416)
        #expect(request(site.statics(), "/empty.txt", headers: ["Range": "bytes=-5"])?.status == 416)
    }

    @Test func ifRangeHonoursTheRangeOnlyForTheCurrentStrongTag() throws {
        let etag = try #require(request(statics, "/data.txt")?.header("ETag"))
        let matching = request(statics, "/data.txt", headers: ["Range": "bytes=0-1", "If-Range": etag])
        #expect(matching?.status == 206 && matching?.text == "01")
        let stale = request(statics, "/data.txt", headers: ["Range": "bytes=0-1", "If-Range": "\"stale\""])
        #expect(stale?.status == 200 && stale?.text == Self.content)
        let weak = request(statics, "/data.txt", headers: ["Range": "bytes=0-1", "If-Range": "W/\(etag)"])
        #expect(weak?.status == 200)
        let staleUnsatisfiable = request(statics, "/data.txt", headers: ["Range": "bytes=90-", "If-Range": "\"stale\""])
        #expect(staleUnsatisfiable?.status == 200)
    }

    @Test func ifRangeAcceptsTheExactLastModifiedDate() throws {
        let date = HTTPDate.format(1_600_000_000)
        #expect(request(statics, "/data.txt", headers: ["Range": "bytes=0-1", "If-Range": date])?.status == 206)
        let earlier = HTTPDate.format(1_599_999_999)
        #expect(request(statics, "/data.txt", headers: ["Range": "bytes=0-1", "If-Range": earlier])?.status == 200)
    }

    @Test func resolveCoversTheGrammar() {
        #expect(StaticFiles.ByteRange.resolve("bytes=0-99", size: 1000) == .satisfiable(0...99))
        #expect(StaticFiles.ByteRange.resolve("bytes=-10", size: 1000) == .satisfiable(990...999))
        #expect(StaticFiles.ByteRange.resolve("bytes=2000-", size: 1000) == .unsatisfiable)
        #expect(StaticFiles.ByteRange.resolve("bytes=0-1,5-9", size: 1000) == .ignored)
    }
}
