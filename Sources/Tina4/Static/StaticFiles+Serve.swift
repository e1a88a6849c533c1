import Glibc

extension StaticFiles {
    /// One servable representation: a file on disk or a built-in one.
    enum Source {
        case file(OpenFile)
        case embedded(EmbeddedFile, name: String, modified: Int)

        var name: String {
            switch self {
            case .file(let file): return file.name
            case .embedded(_, let name, _): return name
            }
        }

        var size: Int {
            switch self {
            case .file(let file): return file.size
            case .embedded(let file, _, _): return file.bytes.count
            }
        }

        var etag: String {
            switch self {
            case .file(let file):
                return EntityTag.forFile(size: file.size, modifiedNanoseconds: file.modifiedNanoseconds, inode: file.inode)
            case .embedded(let file, _, _):
                return file.etag
            }
        }

        /// Whole seconds for `Last-Modified`, never later than now (RFC 9110 §8.8.2.1); nil sends none.
        var lastModified: Int? {
            switch self {
            case .file(let file): return min(file.modifiedSeconds, Int(time(nil)))
            case .embedded(_, _, let modified): return modified > 0 ? modified : nil
            }
        }

        func read(_ range: ClosedRange<Int>) -> [UInt8]? {
            switch self {
            case .file(let file): return file.read(range)
            case .embedded(let file, _, _): return Array(file.bytes[range])
            }
        }
    }

    /// Applies the size cap, the conditional headers and `Range`, then reads only what is sent.
    func serve(_ source: Source, isHead: Bool, header: (String) -> String?) -> StaticResponse? {
        let size = source.size
        guard size <= maxFileBytes else { return tooLarge(size: size, isHead: isHead) }
        let etag = source.etag
        let lastModified = source.lastModified
        var validators = [("ETag", etag)]
        if let lastModified { validators.append(("Last-Modified", HTTPDate.format(lastModified))) }
        validators.append(("Cache-Control", "no-cache"))

        if isNotModified(etag: etag, lastModified: lastModified, header: header) {
            return StaticResponse(status: 304, headers: validators, body: [])
        }
        // RFC 9110 §14.2: range handling is defined for GET only; a failed If-Range means "send it all".
        var range = ByteRange.ignored
        if !isHead, let value = header("Range") {
            range = ByteRange.resolve(value, size: size)
            if range != .ignored, let condition = header("If-Range"),
               !ifRangeHolds(condition, etag: etag, lastModified: lastModified) {
                range = .ignored
            }
        }
        let common = validators + [("Accept-Ranges", "bytes"), ("X-Content-Type-Options", "nosniff")]
        switch range {
        case .unsatisfiable:
            return StaticResponse(
                status: 416,
                headers: [("Content-Range", "bytes */\(size)"), ("Content-Length", "0")] + common,
                body: [])
        case .satisfiable(let bytes):
            guard let body = source.read(bytes) else { return nil }
            return StaticResponse(
                status: 206,
                headers: [
                    ("Content-Type", MIMEType.forPath(source.name)),
                    ("Content-Length", String(bytes.count)),
                    ("Content-Range", "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"),
                ] + common,
                body: body)
        case .ignored:
            var body: [UInt8] = []
            if !isHead, size > 0 {
                guard let whole = source.read(0...(size - 1)) else { return nil }
                body = whole
            }
            return StaticResponse(
                status: 200,
                headers: [("Content-Type", MIMEType.forPath(source.name)), ("Content-Length", String(size))] + common,
                body: body)
        }
    }

    /// If-None-Match decides when present (weak comparison); If-Modified-Since only when it is absent.
    func isNotModified(etag: String, lastModified: Int?, header: (String) -> String?) -> Bool {
        if let noneMatch = header("If-None-Match") {
            return EntityTag.weakMatch(ifNoneMatch: noneMatch, etag: etag)
        }
        guard let lastModified, let value = header("If-Modified-Since"),
              let since = HTTPDate.parse(value) else { return false }
        return lastModified <= since
    }

    /// If-Range holds for a strong tag equal to ours, or a date equal to our `Last-Modified`.
    func ifRangeHolds(_ condition: String, etag: String, lastModified: Int?) -> Bool {
        if condition.hasPrefix("\"") || condition.hasPrefix("W/") {
            return EntityTag.strongMatch(ifRange: condition, etag: etag)
        }
        guard let lastModified, let date = HTTPDate.parse(condition) else { return false }
        return date == lastModified
    }

    /// The 500 for a file over ``maxFileBytes``.
    func tooLarge(size: Int, isHead: Bool) -> StaticResponse {
        let text = Array("file too large to serve (\(size) bytes, cap \(maxFileBytes))".utf8)
        return StaticResponse(
            status: 500,
            headers: [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", String(text.count)),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            body: isHead ? [] : text)
    }
}
