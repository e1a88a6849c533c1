import Glibc

/// A throwaway directory for one test (a `public/` or `src/templates/` of its own), removed with
/// everything in it when the value is released. Symlinks are removed, never followed.
///
/// ```swift
/// let site = TempDirectory()
/// site.write("js/app.js", "console.log(1)")   // makes js/ first
/// ```
public final class TempDirectory: Sendable {
    public let path: String

    public init(prefix: String = "tina4-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    deinit { Self.removeTree(path) }

    /// Writes `bytes` to `relative` (e.g. `"chat/general"`), making directories; returns the full path.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + relative
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
    public func write(_ relative: String, _ text: String) -> String { write(relative, Array(text.utf8)) }

    /// Makes `relative` and its parents as directories.
    public func mkdir(_ relative: String) { makeParents(of: path + "/" + relative + "/x") }

    private func makeParents(of full: String) {
        var prefix = ""
        for part in full.split(separator: "/").dropLast() {
            prefix += "/" + part
            Glibc.mkdir(prefix, 0o755)
        }
    }

    /// Deletes `path` and, for a real directory (never a symlink's target), everything in it.
    private static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(path) {
            var children: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { children.append(path + "/" + name) }
            }
            closedir(dir)
            children.forEach(removeTree)
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
