/// Content types for the file extensions a web app usually serves.
///
/// Text types carry `charset=utf-8`; anything unknown is `application/octet-stream`.
/// ```swift
/// MIMEType.forPath("css/site.css")     // "text/css; charset=utf-8"
/// MIMEType.forPath("img/LOGO.PNG")     // "image/png"
/// MIMEType.forPath("archive.tar.xz")   // "application/octet-stream"
/// ```
public enum MIMEType {
    /// The content type for the extension of the last component of `path`, case-insensitively.
    public static func forPath(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
        let ext = HTTPBytes.asciiLowercased(name[name.index(after: dot)...])
        return byExtension[ext] ?? fallback
    }

    /// The type of bytes whose kind is not known: `MIMEType.forPath("a.bin") == MIMEType.fallback`.
    public static let fallback = "application/octet-stream"

    static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json",
        "map": "application/json",
        "txt": "text/plain; charset=utf-8",
        "xml": "application/xml",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff": "font/woff",
        "woff2": "font/woff2",
        "ttf": "font/ttf",
        "otf": "font/otf",
        "wasm": "application/wasm",
        "pdf": "application/pdf",
        "mp3": "audio/mpeg",
        "mp4": "video/mp4",
        "webm": "video/webm",
        "zip": "application/zip",
    ]
}
