/// Reading comma-separated header values such as `Connection: keep-alive, Upgrade` (RFC 9110 §5.6.1).
///
/// Byte by byte: elements split at `,` bytes, SP/HTAB trimmed, tokens compared ignoring ASCII
/// case only, so `Upgrade: websoc\u{212A}et` (a Kelvin sign) does not name `websocket`.
/// ```swift
/// HTTPTokenList.contains(["keep-alive, Upgrade"], token: "upgrade")   // true
/// HTTPTokenList.contains(["websoc\u{212A}et"], token: "websocket")    // false
/// ```
enum HTTPTokenList {
    /// True when any element of any of `values` equals `token`, ignoring ASCII case and
    /// surrounding SP/HTAB.
    static func contains(_ values: [String], token: String) -> Bool {
        values.contains { value in
            HTTPBytes.anyListElement(of: value) { HTTPBytes.equalsIgnoringCase($0, token.utf8) }
        }
    }

    /// `text` without leading and trailing spaces and tabs (byte-wise).
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        String(Substring(text).trimmingHTTPWhitespace())
    }
}
