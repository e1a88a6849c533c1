import Glibc

extension StaticFiles {
    /// What the file system holds at a request path.
    enum DiskLookup {
        /// A regular file inside the root, opened.
        case found(OpenFile)
        /// Nothing there (or no root at all): an embedded file may answer instead.
        case missing
        /// A directory with an `index.html`, asked for without the trailing slash (`/docs`): the
        /// answer is a redirect to `/docs/`, so the page's relative links resolve inside it.
        case directoryWithoutSlash
        /// Something is there but must not be served: a symlink leading out of the root or to a
        /// dot-named path, a device, FIFO or socket, a file where a directory was asked for (`/a.css/`),
        /// or a path the process may not read (permission denied answers 404, not 403, to reveal nothing).
        case refused
    }

    /// Finds the file for `path` under `root`: a directory (asked for with its trailing slash)
    /// stands for its `index.html`.
    static func lookUp(_ path: RequestPath, root: String) -> DiskLookup {
        guard let realRoot = Resolution.realPath(root) else { return .missing }
        let target = path.segments.isEmpty ? realRoot : Resolution.childPrefix(of: realRoot) + path.relative
        var resolved: String
        switch Resolution.resolve(target, inside: realRoot) {
        case .inside(let found): resolved = found
        case .missing: return .missing
        case .refused: return .refused
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return errno == ENOENT ? .missing : .refused }
        var name = path.segments.last ?? "index.html"
        if (info.st_mode & S_IFMT) == S_IFDIR {
            switch Resolution.resolve(Resolution.childPrefix(of: resolved) + "index.html", inside: realRoot) {
            case .inside(let index):
                if !path.endsWithSlash && !path.segments.isEmpty { return .directoryWithoutSlash }
                resolved = index
                name = "index.html"
            case .missing: return .missing
            case .refused: return .refused
            }
            guard stat(resolved, &info) == 0 else { return errno == ENOENT ? .missing : .refused }
        } else if path.endsWithSlash {
            return .refused
        }
        // Checked before opening so a device is never opened; fstat re-checks the opened file.
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .refused }
        let opened = OpenFile.open(resolved, name: name)
        // A directory swapped for a symlink between realpath and open would slip past the checks
        // above; where /proc is mounted, the opened descriptor's real path is checked again.
        if case .found(let file) = opened, let actual = Resolution.path(of: file.descriptor),
           !Resolution.isInside(actual, realRoot: realRoot) {
            file.close()
            return .refused
        }
        return opened
    }

    /// `realpath` plus the checks that keep a resolved path inside the root.
    enum Resolution {
        case inside(String)
        case missing
        case refused

        /// `path` with every symlink, `.` and `..` resolved; nil when it cannot be.
        static func realPath(_ path: String) -> String? {
            guard let pointer = realpath(path, nil) else { return nil }
            defer { free(pointer) }
            return String(cString: pointer)
        }

        /// `dir` followed by exactly one `/`.
        static func childPrefix(of dir: String) -> String {
            dir.hasSuffix("/") ? dir : dir + "/"
        }

        /// Resolves `path` and accepts it only when it is `realRoot` or below it, with no dot-named
        /// component below the root. Compared byte by byte: String equality would treat canonically
        /// equivalent but different file names as equal.
        static func resolve(_ path: String, inside realRoot: String) -> Resolution {
            guard let resolved = realPath(path) else {
                return errno == ENOENT || errno == ENOTDIR ? .missing : .refused
            }
            return isInside(resolved, realRoot: realRoot) ? .inside(resolved) : .refused
        }

        /// True when the resolved `path` is `realRoot` or below it with no dot-named component below.
        static func isInside(_ path: String, realRoot: String) -> Bool {
            if path.utf8.elementsEqual(realRoot.utf8) { return true }
            let prefix = childPrefix(of: realRoot).utf8
            guard path.utf8.starts(with: prefix) else { return false }
            let below = path.utf8.dropFirst(prefix.count)
            return !below.split(separator: UInt8(ascii: "/")).contains { $0.first == UInt8(ascii: ".") }
        }

        /// The path the kernel holds for an open descriptor, from `/proc/self/fd`; nil without procfs.
        static func path(of descriptor: Int32) -> String? {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
            guard count > 0 else { return nil }
            return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
