/// Choosing the subprotocol of a handshake (RFC 6455 §1.9, §4.1, §4.2.2): the client offers
/// tokens in `Sec-WebSocket-Protocol` (comma lists, possibly over several header lines), the
/// route lists those it speaks, and the server picks the first one *the client offered* that the
/// route supports.
///
/// ```swift
/// let offered = try WebSocketSubprotocols.offered(in: ["chat.v2, chat.v1"])   // ["chat.v2", "chat.v1"]
/// WebSocketSubprotocols.choose(offered: offered, supported: ["chat.v1", "chat.v2"])  // 1: "chat.v2"
/// ```
public enum WebSocketSubprotocols {
    /// The most protocols a route may list (the chosen one is kept as a one-byte index).
    public static let maxPerRoute = 255

    /// A `Sec-WebSocket-Protocol` element that is not a token (RFC 9110 §5.6.2).
    public struct InvalidOffer: Error, Sendable, Equatable {
        public var element: String
    }

    /// The offered protocols in order, from every `Sec-WebSocket-Protocol` value; empty
    /// elements (`a,,b`) are skipped as RFC 9110 §5.6.1 asks. Throws the first non-token element.
    public static func offered(in values: [String]) throws(InvalidOffer) -> [Substring] {
        var tokens: [Substring] = []
        for value in values {
            for element in Substring(value).splitHTTPList() {
                let token = element.trimmingHTTPWhitespace()
                if token.isEmpty { continue }
                guard HTTPBytes.withUTF8(token, HTTPBytes.isToken) else { throw InvalidOffer(element: String(token)) }
                tokens.append(token)
            }
        }
        return tokens
    }

    /// The index in `supported` of the first offered protocol the route supports (compared
    /// exactly: subprotocol names are case-sensitive), or nil when there is none in common.
    public static func choose(offered: [Substring], supported: [String]) -> Int? {
        for token in offered {
            if let index = supported.firstIndex(where: { $0.utf8.elementsEqual(token.utf8) }) { return index }
        }
        return nil
    }

    /// Whether `name` may be listed by a route: a non-empty token.
    static func isValidName(_ name: String) -> Bool {
        HTTPBytes.withUTF8(name, HTTPBytes.isToken)
    }
}
