import Glibc
import Testing
@testable import Tina4

@Suite struct StaticSecurityTests {
    /// Lives as long as the test: a secret just outside the root, dotfiles inside it, ordinary files.
    let site = TempSite()

    init() {
        site.write("secret.txt", "SECRET", outside: true)
        site.write(".env", "KEY=1")
        site.write(".git/config", "[core]")
        site.write("a/b.txt", "inner")
        site.write("a/.hidden/x.txt", "hidden")
        site.write("ok.txt", "ok")
    }

    @Test(arguments: [
        "/../secret.txt", "/a/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2E./secret.txt",
        "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/a/..%2f..%2fsecret.txt",
        "/a%2f..%2f..%2fsecret.txt", "/a/%2e%2e/ok.txt", "/./ok.txt", "/a/./b.txt", "/%2e/ok.txt",
        "/a%2fb.txt", "/a%2Fb.txt", "/a%5cb.txt", "/a%5Cb.txt", "/a\\b.txt", "/..\\secret.txt",
        "/ok.txt%00", "/ok%00.txt", "/%00", "/ok.txt%0a", "/.env", "/%2eenv", "/%2Eenv", "/.git/config",
        "/.git/", "/.git", "/a/.hidden/x.txt", "/a//b.txt", "//ok.txt", "/%zz", "/%", "/ok%2", "/%c3%28",
        "/%ff.txt", "ok.txt", "", "*", "/%252e%252e/secret.txt",
    ])
    func traversalAndHiddenPathsFindNothing(_ path: String) {
        #expect(request(site.statics(), path) == nil)
        #expect(request(site.statics(), path, method: "HEAD") == nil)
    }

    @Test func plainPathsStillWork() {
        #expect(request(site.statics(), "/ok.txt")?.text == "ok")
        #expect(request(site.statics(), "/a/b.txt")?.text == "inner")
    }

    @Test func symlinkLeavingTheRootIsRefused() {
        site.link("escape.txt", to: site.base + "/secret.txt")
        site.link("relative-escape.txt", to: "../secret.txt")
        site.link("outdir", to: site.base)
        site.link("passwd", to: "/etc/passwd")
        let statics = site.statics()
        #expect(request(statics, "/escape.txt") == nil)
        #expect(request(statics, "/relative-escape.txt") == nil)
        #expect(request(statics, "/outdir/secret.txt") == nil)
        // Back inside the root once resolved, so it is an ordinary file of the site.
        #expect(request(statics, "/outdir/public/ok.txt")?.text == "ok")
        #expect(request(statics, "/passwd") == nil)
    }

    @Test func siblingDirectorySharingTheRootsNameIsOutside() {
        site.write("publicity/secret.txt", "SECRET", outside: true)
        site.link("sibling.txt", to: site.base + "/publicity/secret.txt")
        #expect(request(site.statics(), "/sibling.txt") == nil)
    }

    @Test func containmentIsCheckedByteForByteAndAgainOnTheOpenedFile() throws {
        let path = site.write("x.txt", "x")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        defer { close(descriptor) }
        let real = try #require(StaticFiles.Resolution.realPath(path))
        #expect(StaticFiles.Resolution.path(of: descriptor) == real)
        let realRoot = try #require(StaticFiles.Resolution.realPath(site.root))
        #expect(StaticFiles.Resolution.isInside(real, realRoot: realRoot))
        #expect(StaticFiles.Resolution.isInside(realRoot, realRoot: realRoot))
        #expect(!StaticFiles.Resolution.isInside(realRoot + "ity/x.txt", realRoot: realRoot))
        #expect(!StaticFiles.Resolution.isInside(realRoot + "/.git/config", realRoot: realRoot))
        // Canonically equivalent to the root as Strings, but a different directory on disk.
        #expect(!StaticFiles.Resolution.isInside("/srv/e\u{301}/a.txt", realRoot: "/srv/\u{e9}"))
    }

    @Test func symlinkInsideTheRootIsServed() throws {
        site.link("alias.txt", to: "a/b.txt")
        site.link("linked", to: site.root + "/a")
        let statics = site.statics()
        let response = try #require(request(statics, "/alias.txt"))
        #expect(response.status == 200 && response.text == "inner")
        #expect(request(statics, "/linked/b.txt")?.text == "inner")
    }

    @Test func symlinkIntoADotDirectoryIsRefused() {
        site.link("cfg", to: ".git")
        site.link("env.txt", to: ".env")
        #expect(request(site.statics(), "/cfg/config") == nil)
        #expect(request(site.statics(), "/env.txt") == nil)
    }

    @Test func devicesAndFifosAreRefused() {
        site.link("null.txt", to: "/dev/null")
        site.link("zero", to: "/dev/zero")
        #expect(mkfifo(site.root + "/pipe.txt", 0o644) == 0)
        let statics = site.statics()
        #expect(request(statics, "/null.txt") == nil)
        #expect(request(statics, "/zero") == nil)
        #expect(request(statics, "/pipe.txt") == nil)   // must not block waiting for a writer
    }

    @Test func rootThatIsASymlinkStillServesItsFiles() {
        let alias = site.base + "/alias-root"
        #expect(symlink(site.root, alias) == 0)
        #expect(request(StaticFiles(root: alias), "/ok.txt")?.text == "ok")
        #expect(request(StaticFiles(root: alias), "/../secret.txt") == nil)
    }

    @Test(.enabled(if: geteuid() != 0, "root reads files whatever their mode"))
    func unreadableFileFindsNothing() {
        let path = site.write("locked.txt", "no")
        chmod(path, 0)
        defer { chmod(path, 0o644) }
        #expect(request(site.statics(), "/locked.txt") == nil)
    }

    @Test func requestPathDecodesSegments() {
        #expect(StaticFiles.RequestPath(raw: "/docs/a%20b.html")?.segments == ["docs", "a b.html"])
        #expect(StaticFiles.RequestPath(raw: "/docs/")?.endsWithSlash == true)
        #expect(StaticFiles.RequestPath(raw: "/docs")?.endsWithSlash == false)
        #expect(StaticFiles.RequestPath(raw: "/")?.segments == [])
        #expect(StaticFiles.RequestPath(raw: "/a%2Bb%7e")?.segments == ["a+b~"])
        #expect(StaticFiles.RequestPath(raw: "/%2e%2e/etc/passwd") == nil)
    }
}
