/// What one connection agreed for permessage-deflate (RFC 7692), as the server sees it: the
/// parameters of the response it sent, plus the server's own compression policy.
///
/// The server always answers `server_no_context_takeover`: each message it sends is a
/// self-contained deflate stream, so one compressed frame is valid for every receiver with the
/// same ``outbound`` settings. A broadcast is compressed once and the same bytes are queued on
/// all of them, and the server holds no compressor per connection (one shared per window size).
///
/// ```swift
/// let agreed = PerMessageDeflateNegotiation.negotiate(
///     offers: ["permessage-deflate; client_max_window_bits"], configuration: .init())
/// agreed?.responseHeaderValue   // "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"
/// var decoder = WebSocketFrameDecoder(options: .init(perMessageDeflate: agreed?.inbound))
/// ```
public struct PerMessageDeflate: Sendable, Hashable {
    /// One direction of compression: the window its compressor uses and whether it resets
    /// between messages.
    public struct Direction: Sendable, Hashable {
        // Stored in 2 bytes: every connection's decoder and session keep one.
        private var bits: UInt8
        /// Each message is compressed on its own (no back-references to earlier messages).
        public var noContextTakeover: Bool

        /// The LZ77 window of the compressor, 8...15 (a window of 2^bits bytes).
        public var maxWindowBits: Int {
            get { Int(bits) }
            set { bits = UInt8(clamping: newValue) }
        }

        public init(maxWindowBits: Int = 15, noContextTakeover: Bool = false) {
            bits = UInt8(clamping: maxWindowBits)
            self.noContextTakeover = noContextTakeover
        }
    }

    /// How the server compresses what it sends; receivers with equal values share frames.
    /// 8 bytes: each session keeps one, and the hub reads it once per receiver of a broadcast.
    public struct Outbound: Sendable, Hashable {
        public var direction: Direction
        private var levelByte: UInt8
        private var minimum: UInt32

        init(direction: Direction, minimumCompressedBytes: Int, level: Int) {
            self.direction = direction
            levelByte = UInt8(clamping: level)
            minimum = UInt32(clamping: minimumCompressedBytes)
        }

        /// Messages shorter than this are sent uncompressed with RSV1 clear.
        public var minimumCompressedBytes: Int { Int(minimum) }
        /// zlib level, 1 (fastest) ... 9 (smallest).
        public var level: Int { Int(levelByte) }
    }

    /// Server → client: always `noContextTakeover` from ``PerMessageDeflateNegotiation``.
    public var server: Direction
    /// Client → server: what the decoder inflates with.
    public var client: Direction
    public var minimumCompressedBytes: Int
    public var level: Int
    /// The response names `server_max_window_bits` (the client offered it).
    public var announcesServerWindow: Bool
    /// The response names `client_max_window_bits` (the client offered it).
    public var announcesClientWindow: Bool

    public init(server: Direction, client: Direction, minimumCompressedBytes: Int = 64, level: Int = 6,
                announcesServerWindow: Bool = false, announcesClientWindow: Bool = false) {
        self.server = server
        self.client = client
        self.minimumCompressedBytes = minimumCompressedBytes
        self.level = level
        self.announcesServerWindow = announcesServerWindow
        self.announcesClientWindow = announcesClientWindow
    }

    /// The `Sec-WebSocket-Extensions` value of the 101 response (no heap kept per connection:
    /// it is built from the fields when the handshake is answered).
    public var responseHeaderValue: String {
        var value = "permessage-deflate"
        if server.noContextTakeover { value += "; server_no_context_takeover" }
        if client.noContextTakeover { value += "; client_no_context_takeover" }
        if announcesServerWindow { value += "; server_max_window_bits=\(server.maxWindowBits)" }
        if announcesClientWindow { value += "; client_max_window_bits=\(client.maxWindowBits)" }
        return value
    }

    /// What the server's decoder needs: the client's compression settings.
    public var inbound: Direction { client }

    /// What the server's encoder needs.
    public var outbound: Outbound {
        Outbound(direction: server, minimumCompressedBytes: minimumCompressedBytes, level: level)
    }
}
