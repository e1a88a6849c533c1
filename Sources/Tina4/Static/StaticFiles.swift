/// Serves the files under a `public/` directory, with built-in files as fallbacks.
///
/// Answers `GET` and `HEAD` with validators (`ETag`, `Last-Modified`, `Cache-Control: no-cache`),
/// conditional `304`s, and single byte ranges. Requests that could leave the root — `..` however
/// encoded, encoded slashes, backslashes, NUL, dotfiles, symlinks pointing out — find nothing.
/// ```swift
/// let statics = StaticFiles(root: "public", embedded: ["js/frond.js": frondBytes])
/// let file = statics.respond(method: "GET", rawPath: "/js/frond.js") { name in
///     request.headers[name]            // any case-insensitive lookup
/// }
/// // nil → answer 404; otherwise write file.status, file.headers, file.body
/// ```
public struct StaticFiles: Sendable {
    /// The directory served, relative to the working directory or absolute: `"public"`, `"/srv/site"`.
    /// It is resolved on every request, so it may appear after the server starts.
    public var root: String
    /// Largest file served; a bigger one answers 500 with a plain-text explanation. Default 64 MiB.
    ///
    /// ```swift
    /// var statics = StaticFiles(root: "public")
    /// statics.maxFileBytes = 8 * 1024 * 1024   // a 9 MiB video now answers 500
    /// ```
    public var maxFileBytes: Int = 64 * 1024 * 1024
    /// Built-in files by URL path without its leading slash, with their precomputed tags.
    let embedded: [String: EmbeddedFile]
    /// Unix time reported as `Last-Modified` for built-in files; 0 or less sends none.
    let embeddedModified: Int

    struct EmbeddedFile: Sendable {
        let bytes: [UInt8]
        let etag: String
    }

    /// - Parameters:
    ///   - root: the directory to serve, e.g. `"public"`.
    ///   - embedded: built-in files by URL path without a leading slash (`"js/frond.js"`); a file on
    ///     disk at the same path wins.
    ///   - embeddedModified: Unix time sent as their `Last-Modified` (0 sends none; `ETag` still works).
    ///
    /// ```swift
    /// let statics = StaticFiles(root: "public", embedded: ["js/frond.js": Array(source.utf8)], embeddedModified: 1_700_000_000)
    /// ```
    public init(root: String, embedded: [String: [UInt8]] = [:], embeddedModified: Int = 0) {
        self.root = root
        var files: [String: EmbeddedFile] = [:]
        for (path, bytes) in embedded {
            let key = path.hasPrefix("/") ? String(path.dropFirst()) : path
            files[key] = EmbeddedFile(bytes: bytes, etag: EntityTag.forBytes(bytes))
        }
        self.embedded = files
        self.embeddedModified = embeddedModified
    }

    /// The response for a `GET` or `HEAD` of `rawPath`, or nil when no static file answers.
    ///
    /// - Parameters:
    ///   - method: `"GET"` or `"HEAD"` (case-sensitive); any other method returns nil so routes
    ///     or the server's own 404/405 decide.
    ///   - rawPath: the percent-encoded request path without its query, e.g. `"/docs/a%20b.html"`.
    ///   - query: the raw query (after `?`), kept in the redirect from `/docs` to `/docs/`.
    ///   - header: looks up a request header by name, case-insensitively (`If-None-Match`,
    ///     `If-Modified-Since`, `Range`, `If-Range` are asked for).
    /// - Returns: nil for a path that is refused, missing, unreadable (permission denied is
    ///   treated as missing, so it answers 404 rather than 403) or changed while being read.
    ///
    /// ```swift
    /// statics.respond(method: "HEAD", rawPath: "/", header: { _ in nil })?.status   // 200 if public/index.html exists
    /// statics.respond(method: "GET", rawPath: "/.env", header: { _ in nil })         // nil
    /// statics.respond(method: "GET", rawPath: "/docs", query: "v=2", header: { _ in nil })?.header("Location")
    /// // "/docs/?v=2" (status 301) when public/docs/index.html exists
    /// ```
    public func respond(method: String, rawPath: String, query: String? = nil, header: (String) -> String?) -> StaticResponse? {
        let isHead: Bool
        switch method {
        case "GET": isHead = false
        case "HEAD": isHead = true
        default: return nil
        }
        guard let path = RequestPath(raw: rawPath) else { return nil }
        switch Self.lookUp(path, root: root) {
        case .found(let file):
            defer { file.close() }
            return serve(.file(file), isHead: isHead, header: header)
        case .refused:
            return nil
        case .directoryWithoutSlash:
            return Self.redirectToDirectory(rawPath: rawPath, query: query)
        case .missing:
            if embeddedDirectoryIndex(for: path) {
                return Self.redirectToDirectory(rawPath: rawPath, query: query)
            }
            guard let (name, file) = embeddedFile(for: path) else { return nil }
            return serve(.embedded(file, name: name, modified: embeddedModified), isHead: isHead, header: header)
        }
    }

    /// The built-in file for `path`, or the built-in `index.html` of the directory `path/` names.
    func embeddedFile(for path: RequestPath) -> (name: String, file: EmbeddedFile)? {
        let base = path.relative
        let key = path.endsWithSlash ? (base.isEmpty ? "index.html" : base + "/index.html") : base
        return embedded[key].map { (key, $0) }
    }

    /// True when `path` names a built-in directory with an `index.html` but lacks the trailing slash.
    func embeddedDirectoryIndex(for path: RequestPath) -> Bool {
        !path.endsWithSlash && !path.segments.isEmpty && embedded[path.relative] == nil
            && embedded[path.relative + "/index.html"] != nil
    }
}
