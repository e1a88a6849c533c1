#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds template source on disk (or among the fallbacks), parses it, and caches the result.
///
/// A cached template is reused while its file's modification time, size and inode are unchanged;
/// the caller stats each template once per render. Parse errors are not cached, so fixing the file
/// fixes the next render.
final class TemplateLoader {
    enum Failure: Error {
        case invalidName
        case notFound
        case unreadable(String)
        case syntax(FrondError)

        func message(for name: String, directory: String) -> String {
            switch self {
            case .invalidName: "invalid template name '\(name)'"
            case .notFound: "template '\(name)' not found in \(directory)"
            case .unreadable(let reason): "cannot read template '\(name)': \(reason)"
            case .syntax(let error): error.message
            }
        }
    }

    /// What identifies a version of a file on disk.
    private struct Stamp: Equatable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int
        var inode: UInt64
    }

    private struct Entry {
        var template: Template
        /// Nil for a template parsed from the fallbacks.
        var stamp: Stamp?
    }

    let directory: String
    private let fallbacks: [String: String]
    private var cache: [String: Entry] = [:]

    init(directory: String, fallbacks: [String: String]) {
        self.directory = directory
        self.fallbacks = fallbacks
    }

    func load(_ name: String) throws(Failure) -> Template {
        guard Self.isValid(name) else { throw .invalidName }
        let path = directory.isEmpty ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
        if let stamp = Self.stamp(of: path) {
            if let entry = cache[name], entry.stamp == stamp { return entry.template }
            let template = try parse(try Self.readFile(path), name: name)
            cache[name] = Entry(template: template, stamp: stamp)
            return template
        }
        guard let source = fallbacks[name] else { throw .notFound }
        if let entry = cache[name], entry.stamp == nil { return entry.template }
        let template = try parse(Array(source.utf8), name: name)
        cache[name] = Entry(template: template, stamp: nil)
        return template
    }

    private func parse(_ source: [UInt8], name: String) throws(Failure) -> Template {
        do { return try Parser.parse(source, name: name) } catch { throw .syntax(error) }
    }

    /// Relative paths inside the directory only: no absolute paths, `..` components, backslashes or NULs.
    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.utf8.contains(0), !name.utf8.contains(UInt8(ascii: "\\")) else {
            return false
        }
        return !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// The stamp of a regular file, or nil when there is none at `path`.
    private static func stamp(of path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Stamp(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
                     size: Int(info.st_size), inode: UInt64(info.st_ino))
    }

    private static func readFile(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
