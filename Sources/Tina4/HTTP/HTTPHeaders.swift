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

    private var fields: [Element]

    /// An empty header list.
    ///
    /// ```swift
    /// var headers = HTTPHeaders()
    /// headers.add("Host", "example.com")
    /// ```
    public init() { fields = [] }

    /// Header fields in the given order.
    ///
    /// ```swift
    /// let headers = HTTPHeaders([("Host", "example.com"), ("Accept", "*/*")])
    /// ```
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Header fields from a literal, in the order written.
    ///
    /// ```swift
    /// let headers: HTTPHeaders = ["Host": "example.com", "Accept": "*/*"]
    /// ```
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Already-built fields (used by the parser).
    init(fields: [Element]) { self.fields = fields }

    /// The first value of the field `name` (case-insensitive), or nil.
    ///
    /// ```swift
    /// let host = headers["host"]   // matches "Host"
    /// ```
    public subscript(name: String) -> String? {
        for field in fields where HTTPBytes.equalsIgnoringCase(field.name, name) { return field.value }
        return nil
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
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with a single one. The new field takes the position
    /// of the first replaced field, or goes at the end.
    ///
    /// ```swift
    /// headers.set("Content-Type", "application/json")
    /// ```
    public mutating func set(_ name: String, _ value: String) {
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
        fields.removeAll { HTTPBytes.equalsIgnoringCase($0.name, name) }
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
    public var count: Int { fields.count }

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
