extension StaticFiles {
    /// The `301` from a directory without its trailing slash to the directory: `/docs?v=2` →
    /// `Location: /docs/?v=2`. Without it, `index.html`'s relative links (`style.css`) would
    /// resolve against `/` instead of `/docs/`.
    ///
    /// The location is always a path on this server: `rawPath` has passed ``RequestPath``, which
    /// refuses empty segments, backslashes and control bytes, so it cannot start with `//` (a
    /// reference to another host); bytes outside printable ASCII are percent-encoded.
    /// ```swift
    /// StaticFiles.redirectToDirectory(rawPath: "/docs", query: "v=2")?.header("Location")   // "/docs/?v=2"
    /// ```
    static func redirectToDirectory(rawPath: String, query: String?) -> StaticResponse? {
        guard rawPath.hasPrefix("/"), !rawPath.hasPrefix("//") else { return nil }
        var location = percentEncodingUnprintable(rawPath) + "/"
        if let query { location += "?" + percentEncodingUnprintable(query) }
        return StaticResponse(
            status: 301,
            headers: [("Location", location), ("Content-Length", "0"), ("X-Content-Type-Options", "nosniff")],
            body: [])
    }

    /// `text` with every byte outside `!`…`~` written as `%XX`: safe in a header, same URL.
    static func percentEncodingUnprintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if (0x21...0x7E).contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
