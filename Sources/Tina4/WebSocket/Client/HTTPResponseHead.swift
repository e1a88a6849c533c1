/// The status line and headers of the server's answer to the upgrade request; just enough
/// HTTP for the client, independent of the server's parser.
///
/// ```swift
/// if let end = HTTPResponseHead.end(in: bytes, searchingFrom: 0),
///    let head = HTTPResponseHead(parsing: bytes[..<end]) {
///     head.status                           // 101
///     head.values("sec-websocket-accept")   // ["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]
/// }
/// ```
struct HTTPResponseHead {
    var status: Int
    var headers: [(String, String)]

    /// Index just past the blank line ending the head, searching from `start` (the caller
    /// passes where its previous search stopped, minus 3, so no byte is scanned twice).
    static func end(in bytes: [UInt8], searchingFrom start: Int) -> Int? {
        var i = max(start, 0)
        while i + 4 <= bytes.count {
            if bytes[i] == 0x0D, bytes[i + 1] == 0x0A, bytes[i + 2] == 0x0D, bytes[i + 3] == 0x0A { return i + 4 }
            i += 1
        }
        return nil
    }

    /// Parses "HTTP/1.x NNN reason" and "Name: value" lines; nil when the status line is not HTTP.
    init?(parsing head: ArraySlice<UInt8>) {
        // Header bytes are ASCII in practice; decoding repairs anything else instead of failing.
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true).makeIterator()
        guard let statusLine = lines.next() else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else { return nil }
        self.status = status
        headers = []
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), HTTPTokenList.trimmed(line[line.index(after: colon)...])))
        }
    }

    /// Every value of the header `name`, matched without regard to ASCII case.
    func values(_ name: String) -> [String] {
        headers.filter { HTTPBytes.equalsIgnoringCase($0.0, name) }.map(\.1)
    }
}
