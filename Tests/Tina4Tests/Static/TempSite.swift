import Glibc
@testable import Tina4

/// A throwaway site for one test: `<base>/public` is the served root, `<base>` itself lies outside it.
/// Everything is removed when the value is released.
final class TempSite {
    let base: String
    let root: String

    init() {
        var template = Array("/tmp/tina4-static-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        base = String(cString: made!)
        root = base + "/public"
        Glibc.mkdir(root, 0o755)
    }

    deinit {
        Self.removeTree(base)
    }

    /// Deletes `path` and, for a real directory (never a symlink's target), everything in it.
    private static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(path) {
            var children: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { children.append(path + "/" + name) }
            }
            closedir(dir)
            children.forEach(removeTree)
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// A `StaticFiles` serving this site's root.
    func statics(embedded: [String: [UInt8]] = [:], embeddedModified: Int = 0) -> StaticFiles {
        StaticFiles(root: root, embedded: embedded, embeddedModified: embeddedModified)
    }

    /// Writes `bytes` to `path` under the root (or under the base with `outside`), making directories.
    @discardableResult
    func write(_ path: String, _ bytes: [UInt8], outside: Bool = false) -> String {
        let full = (outside ? base : root) + "/" + path
        makeParents(of: full)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "cannot create \(full)")
        var done = 0
        while done < bytes.count {
            let wrote = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            precondition(wrote > 0, "cannot write \(full)")
            done += wrote
        }
        close(fd)
        return full
    }

    @discardableResult
    func write(_ path: String, _ text: String, outside: Bool = false) -> String {
        write(path, Array(text.utf8), outside: outside)
    }

    /// A directory under the root.
    func mkdir(_ path: String) {
        makeParents(of: root + "/" + path + "/x")
    }

    /// A symlink at `path` under the root pointing at `target` (absolute, or relative to the link).
    func link(_ path: String, to target: String) {
        let full = root + "/" + path
        makeParents(of: full)
        precondition(symlink(target, full) == 0, "cannot link \(full)")
    }

    /// Sets the modification time of `path` under the root.
    func touch(_ path: String, seconds: Int) {
        let stamp = timespec(tv_sec: seconds, tv_nsec: 0)
        let times = [stamp, stamp]
        precondition(utimensat(AT_FDCWD, root + "/" + path, times, 0) == 0, "cannot touch \(path)")
    }

    private func makeParents(of full: String) {
        var prefix = ""
        for part in full.split(separator: "/").dropLast() {
            prefix += "/" + part
            Glibc.mkdir(prefix, 0o755)
        }
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
