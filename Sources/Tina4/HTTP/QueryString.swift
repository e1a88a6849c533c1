/// Parsing of `application/x-www-form-urlencoded` text: URL query strings and form bodies.
///
/// ```swift
/// QueryString.parse("a=1&b=two+words&c")
/// // [("a", "1"), ("b", "two words"), ("c", "")]
/// ```
public enum QueryString {
    /// Parses `a=1&b=two+words&c` into ordered pairs (percent-decoded, `+` as space). A pair
    /// without `=` gets an empty value. Malformed pairs (bad escape, invalid UTF-8, empty name)
    /// are skipped, not fatal. Later duplicates are kept in order. A leading `?` is ignored.
    ///
    /// ```swift
    /// let pairs = QueryString.parse(head.rawQuery ?? "")
    /// let tags = pairs.filter { $0.name == "tag" }.map(\.value)
    /// ```
    public static func parse(_ raw: some StringProtocol) -> [(name: String, value: String)] {
        HTTPBytes.withUTF8(raw) { bytes in
            var pairs: [(name: String, value: String)] = []
            var start = bytes.first == HTTPBytes.question ? 1 : 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: HTTPBytes.ampersand) ?? bytes.count
                if let pair = parsePair(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                    pairs.append(pair)
                }
                start = end + 1
            }
            return pairs
        }
    }

    /// One `name=value` or `name`; nil when empty or malformed.
    private static func parsePair(_ part: UnsafeBufferPointer<UInt8>) -> (name: String, value: String)? {
        let equals = part.firstIndex(of: HTTPBytes.equals)
        let nameBytes = UnsafeBufferPointer(rebasing: part[..<(equals ?? part.count)])
        guard !nameBytes.isEmpty,
              let name = PercentEncoding.decode(utf8: nameBytes, plusAsSpace: true)
        else { return nil }
        guard let equals else { return (name, "") }
        let valueBytes = UnsafeBufferPointer(rebasing: part[(equals + 1)...])
        guard let value = PercentEncoding.decode(utf8: valueBytes, plusAsSpace: true) else { return nil }
        return (name, value)
    }
}
