/// One broadcast crossing instances: the Tina4 family's wire format on the `tina4:ws` channel,
/// shared with the Python, PHP, Ruby and Node editions.
///
/// ```
/// {"src":"9f86d081884c7d65","kind":"path","path":"/ws/chat/general","exclude":null,"room":null,"text":"hi","seq":42}
/// {"src":"9f86d081884c7d65","kind":"path","path":"/ws/feed","exclude":"Ab3xYz…","room":null,"b64":"AAEC","seq":43}
/// {"src":"…","kind":"all","text":"maintenance in 5 minutes"}          ← every local connection
/// ```
/// - `src`: the sending instance (16 hex digits here; any string from other editions). An
///   instance drops its own envelopes: it delivered them locally already.
/// - `exclude`: the id of a connection not to deliver to (`broadcast(…, excludeSelf: true)`).
/// - `text`, or `b64` (standard Base64) for a binary message, which stays binary.
/// - `seq`: an extension of this edition, a per-instance counter; other editions ignore extra
///   fields. A receiver drops a `seq` it has already delivered from that `src`, so an envelope
///   re-published after a reconnect (its acknowledgement was lost) arrives once.
/// - `room`: a concept this edition does not have: an envelope of kind `room` is skipped, a
///   non-null `room` on a `path` envelope is ignored (``Decoded/roomIgnored``).
/// - Unknown fields are ignored.
public struct BackplaneEnvelope: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// Connections on this canonical path.
        case path(String)
        /// Every local connection.
        case all
    }

    public enum Payload: Sendable, Equatable {
        case text(String)
        case binary([UInt8])

        /// Size of the message itself (for queue limits).
        var byteCount: Int {
            switch self {
            case .text(let s): s.utf8.count
            case .binary(let b): b.count
            }
        }
    }

    public var source: String
    public var target: Target
    public var exclude: String?
    public var payload: Payload
    public var sequence: UInt64?

    public init(source: String, target: Target, exclude: String? = nil, payload: Payload, sequence: UInt64? = nil) {
        self.source = source
        self.target = target
        self.exclude = exclude
        self.payload = payload
        self.sequence = sequence
    }

    /// The JSON text published on `tina4:ws`, keys in the family's order.
    public func encoded() -> [UInt8] {
        var object = JSONObject()
        object["src"] = .string(source)
        switch target {
        case .path(let path):
            object["kind"] = "path"
            object["path"] = .string(path)
        case .all:
            object["kind"] = "all"
            object["path"] = .null
        }
        object["exclude"] = exclude.map { .string($0) } ?? .null
        object["room"] = .null
        switch payload {
        case .text(let text): object["text"] = .string(text)
        case .binary(let bytes): object["b64"] = .string(Base64.encode(bytes))
        }
        if let sequence { object["seq"] = .number(Double(sequence)) }
        return JSON.object(object).serializedBytes()
    }

    /// What an incoming message on `tina4:ws` asks for.
    public enum Decoded: Sendable, Equatable {
        /// Deliver it; `roomIgnored` when it named a room this edition cannot honour.
        case deliver(BackplaneEnvelope, roomIgnored: Bool)
        /// A well-formed envelope of a kind this edition does not deliver (e.g. `room`).
        case skip(reason: String)
    }

    /// A message on `tina4:ws` that is not an envelope, with the reason.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Reads an envelope from the bytes of a pub/sub message.
    ///
    /// ```swift
    /// try BackplaneEnvelope.decode(Array(#"{"src":"a","kind":"all","text":"hi"}"#.utf8))
    /// // .deliver(BackplaneEnvelope(source: "a", target: .all, payload: .text("hi")), roomIgnored: false)
    /// ```
    public static func decode(_ bytes: [UInt8]) throws(Malformed) -> Decoded {
        let json: JSON
        do {
            json = try JSON.parse(bytes)
        } catch {
            throw Malformed(reason: "not JSON (\(error))")
        }
        guard let object = json.object else { throw Malformed(reason: "not a JSON object") }
        guard let source = object["src"]?.string, !source.isEmpty else { throw Malformed(reason: "no \"src\" string") }
        guard let kind = object["kind"]?.string else { throw Malformed(reason: "no \"kind\" string") }
        let target: Target
        switch kind {
        case "path":
            guard let path = object["path"]?.string, path.hasPrefix("/") else {
                throw Malformed(reason: "kind \"path\" without a \"path\" string starting with /")
            }
            target = .path(CanonicalPath.of(path))
        case "all":
            target = .all
        case "room":
            return .skip(reason: "kind \"room\": rooms are not a concept of this edition")
        default:
            return .skip(reason: "unknown kind \"\(kind.prefix(40))\"")
        }
        var exclude: String?
        switch object["exclude"] {
        case nil, .null?: exclude = nil
        case .string(let id)?: exclude = id
        default: throw Malformed(reason: "\"exclude\" is neither a connection id string nor null")
        }
        let payload: Payload
        switch (object["text"], object["b64"]) {
        case (.string(let text)?, nil), (.string(let text)?, .null?):
            payload = .text(text)
        case (nil, .string(let encoded)?), (.null?, .string(let encoded)?):
            guard let bytes = Base64.decode(encoded) else { throw Malformed(reason: "\"b64\" is not valid Base64") }
            payload = .binary(bytes)
        case (.string?, .string?):
            throw Malformed(reason: "both \"text\" and \"b64\"")
        default:
            throw Malformed(reason: "no \"text\" or \"b64\" string")
        }
        var sequence: UInt64?
        if let seq = object["seq"], !seq.isNull {
            guard let n = seq.double, n >= 0, n.rounded() == n, n < 9.007_199_254_740_992e15 else {
                throw Malformed(reason: "\"seq\" is not a whole number")
            }
            sequence = UInt64(n)
        }
        let room = object["room"]
        let roomIgnored = room != nil && room != .null
        return .deliver(BackplaneEnvelope(source: source, target: target, exclude: exclude, payload: payload, sequence: sequence),
                        roomIgnored: roomIgnored)
    }
}
