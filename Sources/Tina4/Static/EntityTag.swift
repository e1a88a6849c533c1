extension StaticFiles {
    /// Strong entity-tags for served files and the RFC 9110 §8.8.3 comparisons against them.
    ///
    /// ```swift
    /// let tag = StaticFiles.EntityTag.forFile(size: 6699, modifiedNanoseconds: 1_700_000_000_000_000_000, inode: 1234)
    /// StaticFiles.EntityTag.weakMatch(ifNoneMatch: "W/\(tag), \"other\"", etag: tag)   // true
    /// StaticFiles.EntityTag.strongMatch(ifRange: "W/\(tag)", etag: tag)                 // false
    /// ```
    enum EntityTag {
        /// A tag that changes whenever the file is rewritten, touched or replaced: `"size-mtime-inode"` in hex.
        static func forFile(size: Int, modifiedNanoseconds: Int64, inode: UInt64) -> String {
            let size = String(UInt64(truncatingIfNeeded: size), radix: 16)
            let modified = String(UInt64(bitPattern: modifiedNanoseconds), radix: 16)
            return "\"\(size)-\(modified)-\(String(inode, radix: 16))\""
        }

        /// A tag from the bytes themselves (64-bit FNV-1a), for files built into the executable.
        static func forBytes(_ bytes: [UInt8]) -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            return "\"\(String(bytes.count, radix: 16))-\(String(hash, radix: 16))\""
        }

        /// If-None-Match: `*`, or a list holding a tag whose opaque part equals `etag`, weak or not.
        /// A malformed header matches nothing, so the full response is sent.
        static func weakMatch(ifNoneMatch header: String, etag: String) -> Bool {
            if trimmed(header) == "*" { return true }
            guard let tags = parseList(header) else { return false }
            return tags.contains { $0.opaque == etag }
        }

        /// If-Range: a single strong tag equal to `etag`; weak tags never match.
        static func strongMatch(ifRange value: String, etag: String) -> Bool {
            guard let tags = parseList(value), tags.count == 1 else { return false }
            return !tags[0].weak && tags[0].opaque == etag
        }

        /// The tags of a comma-separated list, each with its quotes; nil when the list is malformed.
        static func parseList(_ header: String) -> [(weak: Bool, opaque: String)]? {
            let bytes = Array(header.utf8)
            var tags: [(weak: Bool, opaque: String)] = []
            var index = 0
            func skip(_ isSkipped: (UInt8) -> Bool) {
                while index < bytes.count, isSkipped(bytes[index]) { index += 1 }
            }
            while true {
                skip { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: ",") }
                if index == bytes.count { break }
                var weak = false
                if bytes[index] == UInt8(ascii: "W"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                    weak = true
                    index += 2
                }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let start = index
                index += 1
                skip { $0 == 0x21 || ($0 >= 0x23 && $0 != 0x7F) }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                tags.append((weak, String(decoding: bytes[start..<index], as: UTF8.self)))
                skip { $0 == 0x20 || $0 == 0x09 }
                guard index == bytes.count || bytes[index] == UInt8(ascii: ",") else { return nil }
            }
            return tags
        }

        private static func trimmed(_ text: String) -> Substring {
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            let start = text.firstIndex { !isSpace($0) } ?? text.endIndex
            let end = text.lastIndex { !isSpace($0) }.map { text.index(after: $0) } ?? start
            return text[start..<end]
        }
    }
}
