/// An ordered list of header fields with case-insensitive lookup.
///
/// Names keep the case they arrived with (or were added with); lookups ignore ASCII case.
/// Repeated fields stay separate entries, in order.
///
/// ```swift
/// var headers = HTTPHeaders([("Content-Type", "text/plain")])
/// headers.add("Set-Cookie", "a=1")
/// headers.add("set-cookie", "b=2")
/// headers["content-type"]        // "text/plain"
/// headers.values("Set-Cookie")   // ["a=1", "b=2"]
/// for (name, value) in headers { print("\(name): \(value)") }
/// ```
public struct HTTPHeaders: Sendable, Sequence, Equatable, ExpressibleByDictionaryLiteral {
    /// One header field: its name as sent and its value.
    public typealias Element = (name: String, value: String)

    /// The fields as strings (while a request or response is built and read), or packed into
    /// one byte buffer (headers kept for a connection's lifetime, see ``compacted()``).
    private enum Storage: Sendable {
        case fields([Element])
        case packed(PackedFields)
    }

    private var storage: Storage

    /// The fields as an array (unpacked when packed).
    private var fields: [Element] {
        switch storage {
        case .fields(let fields): return fields
        case .packed(let packed): return packed.elements
        }
    }

    /// Edits the fields in place (a packed list is unpacked first).
    private mutating func editFields<R>(_ body: (inout [Element]) -> R) -> R {
        var fields = self.fields
        storage = .fields([])   // drop our reference so `fields` is uniquely referenced
        defer { storage = .fields(fields) }
        return body(&fields)
    }

    /// An empty header list.
    ///
    /// ```swift
    /// var headers = HTTPHeaders()
    /// headers.add("Host", "example.com")
    /// ```
    public init() { storage = .fields([]) }

    /// Header fields in the given order.
    ///
    /// ```swift
    /// let headers = HTTPHeaders([("Host", "example.com"), ("Accept", "*/*")])
    /// ```
    public init(_ pairs: [(String, String)]) {
        storage = .fields(pairs.map { (name: $0.0, value: $0.1) })
    }

    /// Header fields from a literal, in the order written.
    ///
    /// ```swift
    /// let headers: HTTPHeaders = ["Host": "example.com", "Accept": "*/*"]
    /// ```
    public init(dictionaryLiteral elements: (String, String)...) {
        storage = .fields(elements.map { (name: $0.0, value: $0.1) })
    }

    /// Already-built fields (used by the parser).
    init(fields: [Element]) { storage = .fields(fields) }

    /// The same fields packed into one byte buffer: one allocation instead of an array and a
    /// string per long name or value, for headers a connection keeps while it is idle (a
    /// WebSocket's handshake). Lookups decode on demand; an edit unpacks first.
    ///
    /// ```swift
    /// let kept = request.headers.compacted()
    /// kept["origin"]     // same answers as before
    /// ```
    func compacted() -> HTTPHeaders {
        switch storage {
        case .packed: return self
        case .fields(let fields):
            if fields.isEmpty { return HTTPHeaders() }
            var copy = HTTPHeaders()
            copy.storage = .packed(PackedFields(fields))
            return copy
        }
    }

    /// The first value of the field `name` (case-insensitive), or nil.
    ///
    /// ```swift
    /// let host = headers["host"]   // matches "Host"
    /// ```
    public subscript(name: String) -> String? {
        switch storage {
        case .fields(let fields):
            for field in fields where HTTPBytes.equalsIgnoringCase(field.name, name) { return field.value }
            return nil
        case .packed(let packed):
            var found: String?
            packed.forEach { fieldName, value in
                guard fieldName.equalsIgnoringCase(name) else { return true }
                found = value.string
                return false
            }
            return found
        }
    }

    /// Every value of the field `name` (case-insensitive), one per header line, in order.
    ///
    /// ```swift
    /// let cookies = headers.values("Set-Cookie")
    /// ```
    public func values(_ name: String) -> [String] {
        fields.compactMap { HTTPBytes.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// Appends a field, keeping any existing fields with the same name.
    ///
    /// ```swift
    /// headers.add("Set-Cookie", "theme=dark")
    /// ```
    public mutating func add(_ name: String, _ value: String) {
        editFields { $0.append((name: name, value: value)) }
    }

    /// Replaces every field named `name` with a single one. The new field takes the position
    /// of the first replaced field, or goes at the end.
    ///
    /// ```swift
    /// headers.set("Content-Type", "application/json")
    /// ```
    public mutating func set(_ name: String, _ value: String) {
        editFields { fields in Self.set(name, value, in: &fields) }
    }

    private static func set(_ name: String, _ value: String, in fields: inout [Element]) {
        guard let first = fields.firstIndex(where: { HTTPBytes.equalsIgnoringCase($0.name, name) }) else {
            fields.append((name: name, value: value))
            return
        }
        fields[first] = (name: name, value: value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if HTTPBytes.equalsIgnoringCase(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field named `name` (case-insensitive).
    ///
    /// ```swift
    /// headers.remove("Content-Length")
    /// ```
    public mutating func remove(_ name: String) {
        editFields { $0.removeAll { HTTPBytes.equalsIgnoringCase($0.name, name) } }
    }

    /// True when at least one field is named `name` (case-insensitive).
    ///
    /// ```swift
    /// if headers.contains("Authorization") { ... }
    /// ```
    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPBytes.equalsIgnoringCase($0.name, name) }
    }

    /// True when any comma-separated element of any `name` field equals `token`, ignoring
    /// ASCII case and surrounding whitespace.
    ///
    /// ```swift
    /// // Connection: keep-alive, Upgrade
    /// headers.containsToken("upgrade", in: "Connection")   // true
    /// ```
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where HTTPBytes.equalsIgnoringCase(field.name, name) {
            let found = HTTPBytes.anyListElement(of: field.value) { element in
                HTTPBytes.equalsIgnoringCase(element, token.utf8)
            }
            if found { return true }
        }
        return false
    }

    /// The number of fields (header lines), counting repeats.
    ///
    /// ```swift
    /// HTTPHeaders([("A", "1"), ("a", "2")]).count   // 2
    /// ```
    public var count: Int {
        switch storage {
        case .fields(let fields): return fields.count
        case .packed(let packed): return packed.count
        }
    }

    /// Iterates `(name, value)` pairs in order.
    ///
    /// ```swift
    /// for (name, value) in headers { print(name, value) }
    /// ```
    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// The same fields in the same order; names compare ignoring ASCII case, values exactly.
    ///
    /// ```swift
    /// HTTPHeaders([("Host", "a")]) == HTTPHeaders([("host", "a")])   // true
    /// ```
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        for (left, right) in zip(lhs.fields, rhs.fields) {
            guard left.value == right.value, HTTPBytes.equalsIgnoringCase(left.name, right.name) else { return false }
        }
        return true
    }
}

/// Header fields packed into one byte array: a varint field count, then each name and value
/// as one string. A string is a varint `n`: odd means entry `n / 2` of ``common`` (names and
/// values browsers send in a WebSocket handshake, matched exactly, so case is kept), even means
/// `n / 2` bytes of UTF-8 follow.
///
/// ```swift
/// let packed = PackedFields([("Host", "a")])   // 01 01 02 61: one field, common[0], "a"
/// packed.elements                              // [("Host", "a")]
/// ```
private struct PackedFields: Sendable {
    /// Strings stored as one byte each (at most 63 entries, so every index fits one varint byte).
    private static let common: [String] = [
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Origin", "User-Agent", "Cookie",
        "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma", "Authorization",
        "websocket", "13", "no-cache", "gzip, deflate, br, zstd", "gzip, deflate, br", "gzip, deflate",
        "permessage-deflate; client_max_window_bits", "keep-alive, Upgrade", "en-US,en;q=0.9",
        "upgrade", "Websocket",
    ]
    private static let commonIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: common.enumerated().map { ($0.element, $0.offset) })

    private let bytes: [UInt8]

    init(_ fields: [HTTPHeaders.Element]) {
        var bytes: [UInt8] = []
        var size = Self.varintSize(fields.count)
        for field in fields { size += Self.encodedSize(field.name) + Self.encodedSize(field.value) }
        bytes.reserveCapacity(size)
        Self.appendVarint(fields.count, to: &bytes)
        for field in fields {
            Self.append(field.name, to: &bytes)
            Self.append(field.value, to: &bytes)
        }
        self.bytes = bytes
    }

    var count: Int {
        var offset = 0
        return readVarint(&offset)
    }

    /// One string as stored: a common entry, or a slice of the buffer.
    enum Piece {
        case common(String)
        case literal(ArraySlice<UInt8>)

        var string: String {
            switch self {
            case .common(let string): return string
            // Packed from a String, so valid UTF-8: decoding repairs nothing.
            case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
            }
        }

        func equalsIgnoringCase(_ other: String) -> Bool {
            switch self {
            case .common(let string): return HTTPBytes.equalsIgnoringCase(string, other)
            case .literal(let bytes): return HTTPBytes.equalsIgnoringCase(bytes, other.utf8)
            }
        }
    }

    /// Calls `body` with each name and value in order until it returns false.
    func forEach(_ body: (Piece, Piece) -> Bool) {
        var offset = 0
        let count = readVarint(&offset)
        for _ in 0..<count {
            let name = readPiece(&offset)
            let value = readPiece(&offset)
            if !body(name, value) { return }
        }
    }

    var elements: [HTTPHeaders.Element] {
        var elements: [HTTPHeaders.Element] = []
        elements.reserveCapacity(count)
        forEach { name, value in
            elements.append((name: name.string, value: value.string))
            return true
        }
        return elements
    }

    private func readPiece(_ offset: inout Int) -> Piece {
        let code = readVarint(&offset)
        if code & 1 == 1 { return .common(Self.common[code >> 1]) }
        let length = code >> 1
        defer { offset += length }
        return .literal(bytes[offset ..< offset + length])
    }

    private func readVarint(_ offset: inout Int) -> Int {
        var value = 0
        var shift = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    private static func encodedSize(_ string: String) -> Int {
        if commonIndex[string] != nil { return 1 }
        let length = string.utf8.count
        return varintSize(length << 1) + length
    }

    private static func append(_ string: String, to bytes: inout [UInt8]) {
        if let index = commonIndex[string] {
            appendVarint(index << 1 | 1, to: &bytes)
        } else {
            appendVarint(string.utf8.count << 1, to: &bytes)
            bytes.append(contentsOf: string.utf8)
        }
    }

    private static func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    private static func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
