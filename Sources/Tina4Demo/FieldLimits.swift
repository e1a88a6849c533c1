/// How long a text field of a demo may be when it is passed on to others, in UTF-8 bytes.
///
/// Counting characters is not enough: one character (a grapheme cluster) can be a base letter
/// and a megabyte of combining marks, and a name is repeated in every typing event and message
/// to every member of a room. Every field a demo relays to other clients is cut with
/// ``Swift/String/cappedToUTF8Bytes(_:)``.
/// ```swift
/// let name = newName.trimmingWhitespace().cappedToUTF8Bytes(FieldLimits.nameBytes)
/// ```
enum FieldLimits {
    /// Usernames and display names (about 40 characters of most scripts, 16 emoji).
    static let nameBytes = 64
    /// Chat message and announcement texts, and pushed task names.
    static let textBytes = 16 * 1024
}

extension String {
    /// This text if it has at most `maxBytes` UTF-8 bytes, else its longest prefix of whole
    /// characters that fits; when not even the first character fits (a giant cluster of
    /// combining marks), the Unicode scalars of it that fit. Never splits a UTF-8 sequence, and
    /// reads no further than the character that crosses the limit.
    /// ```swift
    /// "héllo".cappedToUTF8Bytes(2)                                            // "h"
    /// ("e" + String(repeating: "\u{301}", count: 500_000)).cappedToUTF8Bytes(64).utf8.count  // 63
    /// ```
    func cappedToUTF8Bytes(_ maxBytes: Int) -> String {
        if utf8.count <= maxBytes { return self }
        var end = startIndex
        var used = 0
        while end < endIndex {
            let next = index(after: end)
            let width = utf8.distance(from: end, to: next)
            guard used + width <= maxBytes else { break }
            used += width
            end = next
        }
        if end == startIndex {
            for scalar in unicodeScalars {
                let width = UTF8.width(scalar)
                guard used + width <= maxBytes else { break }
                used += width
                end = unicodeScalars.index(after: end)
            }
        }
        return String(self[..<end])
    }
}
