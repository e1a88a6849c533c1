/// The server side of the permessage-deflate negotiation (RFC 7692 §5, §7.1), sans-I/O: the
/// client's `Sec-WebSocket-Extensions` values in, the agreement (and so the response header) out.
///
/// The offers are tried in the order sent; the first `permessage-deflate` offer whose
/// parameters are valid is accepted. An offer is declined, and the next one tried, when a
/// parameter is unknown, repeated, has a value where none is allowed, lacks a required value,
/// or has a window size that is not 8...15 written plainly; a malformed header element is
/// declined the same way. No acceptable offer → nil (no extension, no response header).
///
/// What the response says, and why:
///
/// | offer                              | response                                            |
/// |------------------------------------|-----------------------------------------------------|
/// | (always)                           | `server_no_context_takeover`: each server message is a self-contained deflate stream, so a broadcast is compressed once for every receiver, and no compressor is kept per connection |
/// | `server_no_context_takeover`       | (the same)                                          |
/// | `client_no_context_takeover`       | `client_no_context_takeover` (the inflater is freed after each message) |
/// | `server_max_window_bits=N`         | `server_max_window_bits=N`; the server compresses with that window (N = 8: zlib cannot deflate raw with 256 bytes, so only messages ≤ 256 bytes are compressed, where no distance can exceed the window) |
/// | `client_max_window_bits`           | `client_max_window_bits=W`, W = the configured ``PerMessageDeflateConfiguration/clientMaxWindowBits`` (default 10: a smaller inflater kept per connection) |
/// | `client_max_window_bits=V`         | `client_max_window_bits=min(V, W)`                  |
/// | no `client_max_window_bits`        | nothing about it (the client may use 15; the server inflates with 15) |
///
/// ```swift
/// let agreed = PerMessageDeflateNegotiation.negotiate(
///     offers: ["permessage-deflate; server_max_window_bits=20, permessage-deflate"],
///     configuration: .init())
/// agreed?.responseHeaderValue   // "permessage-deflate; server_no_context_takeover" (the first offer is invalid)
/// ```
public enum PerMessageDeflateNegotiation {
    /// The extension token.
    public static let name = "permessage-deflate"

    /// The agreement for the first acceptable offer among every `Sec-WebSocket-Extensions`
    /// value, or nil (compression disabled, nothing offered, or nothing acceptable).
    public static func negotiate(offers headerValues: [String], configuration: PerMessageDeflateConfiguration) -> PerMessageDeflate? {
        guard configuration.isEnabled, !headerValues.isEmpty else { return nil }
        for offer in ExtensionHeaderParser.parse(headerValues) {
            guard let offer, offer.name == name else { continue }
            if let agreed = accept(offer, configuration: configuration) { return agreed }
        }
        return nil
    }

    /// The agreement for one offer, or nil when it must be declined.
    static func accept(_ offer: ExtensionOffer, configuration: PerMessageDeflateConfiguration) -> PerMessageDeflate? {
        var seen: Set<String> = []
        var clientNoContextTakeover = false
        var serverWindowBits: Int?
        var clientWindowOffered = false
        var clientWindowBits: Int?
        for parameter in offer.parameters {
            guard seen.insert(parameter.name).inserted else { return nil }   // duplicate
            switch parameter.name {
            case "server_no_context_takeover":
                guard parameter.value == nil else { return nil }
            case "client_no_context_takeover":
                guard parameter.value == nil else { return nil }
                clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let value = parameter.value, let bits = windowBits(value) else { return nil }
                serverWindowBits = bits
            case "client_max_window_bits":
                clientWindowOffered = true
                if let value = parameter.value {
                    guard let bits = windowBits(value) else { return nil }
                    clientWindowBits = bits
                }
            default:
                return nil   // unknown parameter
            }
        }
        var inflateWindowBits = 15
        if clientWindowOffered {
            let configured = min(max(configuration.clientMaxWindowBits, 8), 15)
            inflateWindowBits = min(clientWindowBits ?? 15, configured)
        }
        return PerMessageDeflate(
            server: .init(maxWindowBits: serverWindowBits ?? 15, noContextTakeover: true),
            client: .init(maxWindowBits: inflateWindowBits,
                          noContextTakeover: clientNoContextTakeover || configuration.requestClientNoContextTakeover),
            minimumCompressedBytes: max(configuration.minimumCompressedBytes, 1),
            level: min(max(configuration.level, 1), 9),
            announcesServerWindow: serverWindowBits != nil,
            announcesClientWindow: clientWindowOffered)
    }

    /// A window size as RFC 7692 §7.1.2 writes it: 8...15, decimal, no sign or leading zero.
    static func windowBits(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard (1...2).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
              digits.count == 1 || digits[0] != 0x30, let bits = Int(text), (8...15).contains(bits) else { return nil }
        return bits
    }
}
