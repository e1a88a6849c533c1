/// One element of a `Sec-WebSocket-Extensions` header: an extension name and its parameters,
/// in order, with quoted values already unquoted (RFC 6455 §9.1).
struct ExtensionOffer: Sendable, Equatable {
    struct Parameter: Sendable, Equatable {
        var name: String
        /// nil when the parameter has no `=value`.
        var value: String?
    }

    var name: String
    var parameters: [Parameter]
}

/// Reads `Sec-WebSocket-Extensions` values (RFC 6455 §9.1) into offers, in the order sent,
/// across several header lines and comma-separated lists:
///
/// ```text
/// extension-list  = 1#extension
/// extension       = extension-token *( OWS ";" OWS extension-param )
/// extension-param = token [ OWS "=" OWS ( token / quoted-string ) ]
/// ```
///
/// A malformed element (a bad token, an unterminated quote, a quoted value that is not a token
/// once unquoted) becomes nil in its place, so the caller declines that offer and still sees
/// the next one. Linear in the input; empty list elements are skipped.
///
/// ```swift
/// ExtensionHeaderParser.parse(["permessage-deflate; client_max_window_bits=\"10\", x-foo"])
/// // [ExtensionOffer(name: "permessage-deflate", parameters: [("client_max_window_bits", "10")]),
/// //  ExtensionOffer(name: "x-foo", parameters: [])]
/// ```
enum ExtensionHeaderParser {
    static func parse(_ values: [String]) -> [ExtensionOffer?] {
        var offers: [ExtensionOffer?] = []
        for value in values {
            var scanner = Scanner(Array(value.utf8))
            while !scanner.isAtEnd {
                scanner.skipSpace()
                if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }   // empty element
                if scanner.isAtEnd { break }
                if let offer = scanner.element() {
                    offers.append(offer)
                } else {
                    offers.append(nil)
                    scanner.skipToNextElement()
                }
            }
        }
        return offers
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 { index += 1 }
        }

        /// One element up to (and consuming) the next top-level comma or the end; nil if malformed.
        mutating func element() -> ExtensionOffer? {
            guard let name = token() else { return nil }
            var parameters: [ExtensionOffer.Parameter] = []
            while true {
                skipSpace()
                guard let byte = peek else { break }
                if byte == UInt8(ascii: ",") { index += 1; break }
                guard byte == UInt8(ascii: ";") else { return nil }
                index += 1
                skipSpace()
                guard let parameterName = token() else { return nil }
                skipSpace()
                var value: String?
                if peek == UInt8(ascii: "=") {
                    index += 1
                    skipSpace()
                    if peek == UInt8(ascii: "\"") {
                        guard let quoted = quotedString(), Self.isToken(quoted) else { return nil }
                        value = String(decoding: quoted, as: UTF8.self)
                    } else {
                        guard let plain = token() else { return nil }
                        value = plain
                    }
                }
                parameters.append(.init(name: HTTPBytes.asciiLowercased(parameterName), value: value))
            }
            return ExtensionOffer(name: HTTPBytes.asciiLowercased(name), parameters: parameters)
        }

        mutating func token() -> String? {
            let start = index
            while let byte = peek, Self.isTokenByte(byte) { index += 1 }
            return index > start ? String(decoding: bytes[start ..< index], as: UTF8.self) : nil
        }

        /// A quoted-string's content with backslash escapes removed; nil if unterminated.
        mutating func quotedString() -> [UInt8]? {
            index += 1   // the opening quote
            var content: [UInt8] = []
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\"") { return content }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = peek else { return nil }
                    index += 1
                    content.append(escaped)
                } else {
                    content.append(byte)
                }
            }
            return nil
        }

        /// After a malformed element: skips to just past the next comma outside quotes.
        mutating func skipToNextElement() {
            var quoted = false
            while let byte = peek {
                index += 1
                if quoted {
                    if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { quoted = false }
                } else if byte == UInt8(ascii: "\"") {
                    quoted = true
                } else if byte == UInt8(ascii: ",") {
                    return
                }
            }
        }

        /// tchar (RFC 9110 §5.6.2).
        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
                return true
            default:
                return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }

        static func isToken(_ bytes: [UInt8]) -> Bool {
            !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
        }
    }
}
