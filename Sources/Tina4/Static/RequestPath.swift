extension StaticFiles {
    /// A percent-encoded request path split on `/`, each segment decoded and vetted.
    ///
    /// Refused (nil): a path not starting with `/`, an empty segment inside the path (`a//b`),
    /// a bad escape, invalid UTF-8, NUL or other control bytes, a backslash (raw or `%5C`), an
    /// encoded slash (`%2F`), and any segment starting with `.` — which covers `.`, `..`
    /// (however encoded: `%2e%2e`, `%2E.`) and dotfiles such as `.env` or `.git`.
    /// ```swift
    /// StaticFiles.RequestPath(raw: "/docs/a%20b.html")?.segments   // ["docs", "a b.html"]
    /// StaticFiles.RequestPath(raw: "/%2e%2e/etc/passwd")            // nil
    /// ```
    struct RequestPath: Equatable {
        /// The decoded segments; empty for `/`.
        var segments: [String]
        /// True for `/` and for paths such as `/docs/`: only a directory's `index.html` may answer.
        var endsWithSlash: Bool

        /// The segments joined with `/`: the key of an embedded file.
        var relative: String { segments.joined(separator: "/") }

        init?(raw: String) {
            let bytes = Array(raw.utf8)
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            var pieces = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            endsWithSlash = pieces.last?.isEmpty ?? true
            if endsWithSlash { pieces.removeLast() }
            var decoded: [String] = []
            decoded.reserveCapacity(pieces.count)
            for piece in pieces {
                guard let segment = Self.decode(piece) else { return nil }
                decoded.append(segment)
            }
            segments = decoded
        }

        /// One segment with its `%XX` escapes decoded, or nil when it must not reach the file system.
        static func decode(_ piece: ArraySlice<UInt8>) -> String? {
            guard !piece.isEmpty,
                  let out = piece.withUnsafeBufferPointer({ PercentEncoding.decodedBytes($0, plusAsSpace: false) }),
                  out.first != UInt8(ascii: "."),
                  !out.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") })
            else { return nil }
            return String(validating: out, as: UTF8.self)
        }
    }
}
