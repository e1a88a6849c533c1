/// The one spelling of a resolved path that WebSocket rooms are keyed by: the path split on `/`,
/// each segment percent-decoded, then re-escaped for `%` and `/` only, joined with `/`.
///
/// Two requests reach the same room exactly when their paths name the same segments, however
/// they were encoded; an encoded slash stays inside its segment:
///
/// | request path         | canonical path        |
/// |----------------------|-----------------------|
/// | `/ws/chat/a`, `/ws/chat/%61`, `/ws/chat/a/` | `/ws/chat/a` |
/// | `/ws/chat/my%20room` | `/ws/chat/my room`    |
/// | `/ws/chat/a%2Fb`     | `/ws/chat/a%2Fb` (one segment `a/b`) |
/// | `/ws/chat/100%25`    | `/ws/chat/100%25` (one segment `100%`) |
///
/// ```swift
/// CanonicalPath.of("/ws/chat/my%20room")                  // "/ws/chat/my room"
/// CanonicalPath.of("/ws/chat/my room")                    // "/ws/chat/my room"
/// CanonicalPath.from(segments: ["ws", "chat", "a/b"])     // "/ws/chat/a%2Fb"
/// ```
public enum CanonicalPath {
    /// The canonical path of already-decoded segments (what the router matched). This is the
    /// canonicalisation; ``of(_:)`` decodes first and then calls it.
    public static func from(segments: [String]) -> String {
        var path = ""
        for segment in segments {
            path.append("/")
            guard segment.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "/") }) else {
                path.append(segment)
                continue
            }
            for character in segment.unicodeScalars {
                switch character {
                case "%": path.append("%25")
                case "/": path.append("%2F")
                default: path.unicodeScalars.append(character)
                }
            }
        }
        return path.isEmpty ? "/" : path
    }

    /// The canonical path of a path as written, encoded or not: split on `/` (empty segments
    /// dropped), each segment percent-decoded (one that is not valid percent-encoding, such as
    /// `100%`, is taken as it is), then ``from(segments:)``.
    public static func of(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { raw in
            PercentEncoding.decode(raw) ?? String(raw)
        }
        return from(segments: segments)
    }
}
