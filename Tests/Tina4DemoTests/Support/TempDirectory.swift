import Glibc

/// A throwaway directory for one test (a `public/` or `src/templates/` of its own), removed with
/// everything in it when the value is released.
final class TempDirectory: Sendable {
    let path: String

    init() {
        var template = Array("/tmp/tina4-demo-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    deinit { Self.removeTree(path) }

    /// Writes `text` to `relative` (e.g. `"chat/general"`), making directories.
    func write(_ relative: String, _ text: String) {
        var prefix = path
        for part in relative.split(separator: "/").dropLast() {
            prefix += "/" + part
            mkdir(prefix, 0o755)
        }
        let fd = open(path + "/" + relative, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "cannot create \(relative)")
        let bytes = Array(text.utf8)
        precondition(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
    }

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
