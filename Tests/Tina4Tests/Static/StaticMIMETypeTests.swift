import Testing
@testable import Tina4

@Suite struct StaticMIMETypeTests {
    /// A fresh directory per test, removed when the test's suite instance goes away.
    let site = TempSite()

    static let expected: [(String, String)] = [
        ("html", "text/html; charset=utf-8"), ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"), ("mjs", "text/javascript; charset=utf-8"),
        ("json", "application/json"), ("txt", "text/plain; charset=utf-8"), ("svg", "image/svg+xml"),
        ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"), ("gif", "image/gif"),
        ("webp", "image/webp"), ("ico", "image/x-icon"), ("woff", "font/woff"), ("woff2", "font/woff2"),
        ("ttf", "font/ttf"), ("otf", "font/otf"), ("wasm", "application/wasm"), ("pdf", "application/pdf"),
        ("xml", "application/xml"), ("map", "application/json"), ("mp3", "audio/mpeg"), ("mp4", "video/mp4"),
        ("webm", "video/webm"), ("zip", "application/zip"), ("bin", "application/octet-stream"),
    ]

    @Test func everyListedExtensionIsServedWithItsType() {
        for (ext, _) in Self.expected { site.write("f.\(ext)", "x") }
        let statics = site.statics()
        for (ext, type) in Self.expected {
            let response = request(statics, "/f.\(ext)")
            #expect(response?.header("Content-Type") == type, "extension \(ext)")
            #expect(response?.header("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func lookupIgnoresCaseAndDirectories() {
        #expect(MIMEType.forPath("img/LOGO.PNG") == "image/png")
        #expect(MIMEType.forPath("/a.b/c") == "application/octet-stream")
        #expect(MIMEType.forPath("archive.tar.xz") == "application/octet-stream")
        #expect(MIMEType.forPath("noext") == "application/octet-stream")
        #expect(MIMEType.forPath("index.html") == "text/html; charset=utf-8")
        #expect(MIMEType.forPath("trailingdot.") == "application/octet-stream")
    }
}
