/// Reading comma-separated header values such as `Connection: keep-alive, Upgrade` (RFC 9110 §5.6.1).
enum HTTPTokenList {
    /// True when any element of any of `values` equals `token`, ignoring ASCII case and
    /// surrounding whitespace.
    static func contains(_ values: [String], token: String) -> Bool {
        let wanted = token.lowercased()
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: true) {
                if trimmed(element).lowercased() == wanted { return true }
            }
        }
        return false
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }
}
