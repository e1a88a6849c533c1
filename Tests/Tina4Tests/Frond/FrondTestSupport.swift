#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import Tina4

/// A fresh directory under /tmp for one test's templates, removed when the value goes away.
final class TemplateDirectory {
    let path: String
    private var files: Set<String> = []
    private var directories: [String] = []

    init() {
        var template = Array("/tmp/frond-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
        guard let made else { preconditionFailure("mkdtemp failed") }
        path = made
    }

    deinit {
        for file in files { unlink(path + "/" + file) }
        for directory in directories.reversed() { rmdir(path + "/" + directory) }
        rmdir(path)
    }

    /// Writes `text` to `name` (creating sub-directories), replacing any earlier content.
    func write(_ name: String, _ text: String) {
        let parts = name.split(separator: "/").dropLast()
        var sub = ""
        for part in parts {
            sub += (sub.isEmpty ? "" : "/") + part
            if mkdir(path + "/" + sub, 0o755) == 0 { directories.append(sub) }
        }
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(name)")
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count)
        close(fd)
        files.insert(name)
    }

    /// Sets the modification time of `name` to `seconds` after the epoch.
    func setModified(_ name: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        let result = times.withUnsafeMutableBufferPointer { utimensat(AT_FDCWD, path + "/" + name, $0.baseAddress, 0) }
        precondition(result == 0)
    }

    func frond(fallbacks: [String: String] = [:]) -> Frond { Frond(directory: path, fallbacks: fallbacks) }
}

/// Renders inline source with no template directory.
func render(_ source: String, _ context: JSONObject = [:]) throws -> String {
    try Frond(directory: "/nonexistent-frond-dir").renderString(source, context, name: "test.html")
}

/// The error rendering inline source throws, or nil when it renders.
func renderError(_ source: String, _ context: JSONObject = [:]) -> FrondError? {
    do {
        _ = try Frond(directory: "/nonexistent-frond-dir").renderString(source, context, name: "test.html")
        return nil
    } catch {
        return error
    }
}
