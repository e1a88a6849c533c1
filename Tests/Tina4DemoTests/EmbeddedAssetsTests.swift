import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo

/// The executable's built-in templates and public files are the files in the repository, and
/// the real templates render.
@Suite struct EmbeddedAssetsTests {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func files(under base: String) -> [String: String] {
        var result: [String: String] = [:]
        func walk(_ relative: String) {
            let directory = root + "/" + base + (relative.isEmpty ? "" : "/" + relative)
            guard let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasPrefix(".") { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { walk(child) } else { result[child] = read(directory + "/" + name) }
            }
        }
        walk("")
        return result
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(validating: bytes, as: UTF8.self)
    }

    @Test func embeddedTemplatesMatchTheFiles() {
        let disk = Self.files(under: "src/templates")
        #expect(!disk.isEmpty)
        #expect(EmbeddedAssets.templates == disk, "run scripts/embed-assets after editing src/templates")
    }

    @Test func embeddedPublicFilesMatchTheFiles() {
        let disk = Self.files(under: "public")
        #expect(disk["js/frond.js"] != nil)
        #expect(EmbeddedAssets.publicFiles == disk, "run scripts/embed-assets after editing public/")
    }

    @Test func chatAndRoomPagesRenderFromTheRealFilesWithTheRoomEscaped() throws {
        let frond = Frond(directory: Self.root + "/src/templates")
        let hostile = "</script><img src=x onerror=alert(1)>"
        for page in ["chat.html", "room.html"] {
            let html = try frond.render(page, ["room": .string(hostile)])
            #expect(html.contains("<html"), "\(page) extends base.html")
            #expect(!html.contains(hostile), "\(page) must not contain the room name unescaped")
            #expect(html.contains("/js/frond.js"))
        }
        let index = try frond.render("index.html", [:])
        for path in ["/ws/echo", "/ws/private", "/ws/secure", "/ws/status", "/ws/announcements", "/ws/livechat/",
                     "/ws/room/", "/ws/notifications/", "/ws/project/", "/api/orders/1001/ship", "/chat/general", "/room/test"] {
            #expect(index.contains(path), "the index page mentions \(path)")
        }
    }

    @Test func builtInCopiesServeWhenTheWorkingDirectoryHasNone() throws {
        let frond = Frond(directory: "/nonexistent-\(getpid())", fallbacks: EmbeddedAssets.templates)
        #expect(try frond.render("room.html", ["room": "test"]).contains("Room"))
        let statics = StaticFiles(root: "/nonexistent-\(getpid())", embedded: EmbeddedAssets.publicFiles.mapValues { Array($0.utf8) })
        let response = statics.respond(method: "GET", rawPath: "/js/frond.js", header: { _ in nil })
        #expect(response?.status == 200)
        #expect(response?.header("Content-Type") == "text/javascript; charset=utf-8")
    }
}

/// docs/chapter-12.md quotes the demo files and chat.html; the quotes must stay true.
@Suite struct ChapterDocTests {
    @Test func everyQuotedFileMatchesTheSource() throws {
        let doc = try #require(EmbeddedAssetsTests.read(EmbeddedAssetsTests.root + "/docs/chapter-12.md"))
        var quoted: [String] = []
        var rest = Substring(doc)
        // The blocks scripts/sync-chapter-doc refreshes: `Sources/….swift`: + ```swift, `src/templates/….html`: + ```html.
        while let start = rest.firstRange(of: "`:\n\n```") {
            let header = rest[..<start.lowerBound]
            let path = String(header[header.index(after: header.lastIndex(of: "`")!)...])
            let fence = rest[start.upperBound...]
            let languageEnd = try #require(fence.firstIndex(of: "\n"))
            let language = fence[..<languageEnd]
            let body = fence[fence.index(after: languageEnd)...]
            let end = try #require(body.firstRange(of: "\n```\n"))
            rest = body[end.upperBound...]
            let synced = (path.hasPrefix("Sources/") && path.hasSuffix(".swift") && language == "swift")
                || (path.hasPrefix("src/templates/") && path.hasSuffix(".html") && language == "html")
            guard synced else { continue }
            let source = try #require(EmbeddedAssetsTests.read(EmbeddedAssetsTests.root + "/" + path), "\(path) exists")
            #expect(String(body[..<end.lowerBound]) == source.trimmingTrailingNewlines(), "\(path) is quoted verbatim: run scripts/sync-chapter-doc")
            quoted.append(path)
        }
        #expect(quoted.count >= 14)
        for path in ["Sources/Tina4Demo/ConnectionEventsDemo.swift", "Sources/Tina4Demo/RelayDemo.swift", "src/templates/chat.html"] {
            #expect(quoted.contains(path), "docs/chapter-12.md quotes \(path)")
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.hasSuffix("\n") { copy.removeLast() }
        return copy
    }
}
