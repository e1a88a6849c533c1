import Glibc
@testable import Tina4
import Tina4TestSupport

/// A throwaway site for one test: `<base>/public` is the served root, `<base>` itself lies outside it.
/// Everything is removed when the value is released.
final class TempSite {
    private let directory = TempDirectory(prefix: "tina4-static")
    var base: String { directory.path }
    let root: String

    init() {
        root = directory.path + "/public"
        Glibc.mkdir(root, 0o755)
    }

    /// A `StaticFiles` serving this site's root.
    func statics(embedded: [String: [UInt8]] = [:], embeddedModified: Int = 0) -> StaticFiles {
        StaticFiles(root: root, embedded: embedded, embeddedModified: embeddedModified)
    }

    /// Writes `bytes` to `path` under the root (or under the base with `outside`), making directories.
    @discardableResult
    func write(_ path: String, _ bytes: [UInt8], outside: Bool = false) -> String {
        directory.write(outside ? path : "public/" + path, bytes)
    }

    @discardableResult
    func write(_ path: String, _ text: String, outside: Bool = false) -> String {
        write(path, Array(text.utf8), outside: outside)
    }

    /// A directory under the root.
    func mkdir(_ path: String) { directory.mkdir("public/" + path) }

    /// A symlink at `path` under the root pointing at `target` (absolute, or relative to the link).
    func link(_ path: String, to target: String) {
        let full = root + "/" + path
        directory.mkdir("public/" + path.split(separator: "/").dropLast().joined(separator: "/"))
        precondition(symlink(target, full) == 0, "cannot link \(full)")
    }

    /// Sets the modification time of `path` under the root.
    func touch(_ path: String, seconds: Int) {
        let stamp = timespec(tv_sec: seconds, tv_nsec: 0)
        let times = [stamp, stamp]
        precondition(utimensat(AT_FDCWD, root + "/" + path, times, 0) == 0, "cannot touch \(path)")
    }
}

/// Sends one request with `headers` (looked up case-insensitively) to `statics`.
func request(
    _ statics: StaticFiles, _ path: String, method: String = "GET", headers: [String: String] = [:]
) -> StaticResponse? {
    statics.respond(method: method, rawPath: path) { name in
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

extension StaticResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
