/// A compiled route path such as `/api/orders/{order_id:int}/ship` or `/files/{rest:path}`.
///
/// Segments are literals or parameters. Parameter types: `{name}` (any one segment), `{name:int}`
/// (optional minus sign and digits), `{name:float}` (a decimal number), `{name:path}` (the rest of
/// the path, slashes included; last segment only).
/// ```swift
/// let pattern = try RoutePattern("/users/{id:int}")
/// pattern.match(["users", "42"])   // ["id": "42"]
/// ```
public struct RoutePattern: Sendable, Equatable, CustomStringConvertible {
    /// The kind of value a parameter accepts.
    public enum ParameterType: String, Sendable { case string, int, float, path }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, type: ParameterType)
    }

    /// The pattern as written, normalised (no trailing slash).
    public let description: String
    let segments: [Segment]

    /// True when the pattern has no parameters.
    public var isLiteral: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }

    /// The literal segments, for a pattern without parameters (nil otherwise). A request matches
    /// a literal route when its decoded segments equal these one for one.
    var literalSegments: [String]? {
        var literals: [String] = []
        for segment in segments {
            guard case .literal(let literal) = segment else { return nil }
            literals.append(literal)
        }
        return literals
    }

    /// A route pattern that cannot be compiled.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "invalid route '\(pattern)': \(reason)" }
    }

    public init(_ pattern: String) throws(Invalid) {
        guard pattern.hasPrefix("/") else { throw Invalid(pattern: pattern, reason: "must start with '/'") }
        var segments: [Segment] = []
        var names = Set<String>()
        let parts = RoutePattern.split(pattern)
        for (index, part) in parts.enumerated() {
            guard part.hasPrefix("{") else {
                guard !part.contains("{") && !part.contains("}") else {
                    throw Invalid(pattern: pattern, reason: "a parameter must fill a whole segment: '\(part)'")
                }
                segments.append(.literal(part))
                continue
            }
            guard part.hasSuffix("}"), part.count > 2 else { throw Invalid(pattern: pattern, reason: "unclosed parameter '\(part)'") }
            let inner = part.dropFirst().dropLast()
            let pieces = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw Invalid(pattern: pattern, reason: "bad parameter name '\(name)'")
            }
            guard names.insert(name).inserted else { throw Invalid(pattern: pattern, reason: "parameter '\(name)' appears twice") }
            let typeName = pieces.count > 1 ? String(pieces[1]) : "string"
            guard let type = ParameterType(rawValue: typeName == "str" ? "string" : typeName) else {
                throw Invalid(pattern: pattern, reason: "unknown parameter type '\(typeName)' (use int, float, path)")
            }
            if type == .path && index != parts.count - 1 {
                throw Invalid(pattern: pattern, reason: "a {\(name):path} parameter must be the last segment")
            }
            segments.append(.parameter(name: name, type: type))
        }
        self.segments = segments
        self.description = "/" + parts.joined(separator: "/")
    }

    /// Matches already-decoded path segments; returns the parameters, or nil when it does not match.
    public func match(_ path: [String]) -> [String: String]? {
        var params: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let literal):
                guard index < path.count, path[index] == literal else { return nil }
            case .parameter(let name, .path):
                guard index < path.count else { return nil }
                params[name] = path[index...].joined(separator: "/")
                return params
            case .parameter(let name, let type):
                guard index < path.count, RoutePattern.accepts(path[index], as: type) else { return nil }
                params[name] = path[index]
            }
            index += 1
        }
        return index == path.count ? params : nil
    }

    static func accepts(_ value: String, as type: ParameterType) -> Bool {
        switch type {
        case .string, .path: return !value.isEmpty
        case .int:
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            return !digits.isEmpty && digits.utf8.count <= 18 && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        case .float:
            guard let number = Double(value), number.isFinite else { return false }
            return value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }
        }
    }

    /// Splits a path on `/`, dropping empty segments (so `/a//b/` is `["a", "b"]`).
    static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}

/// Splits a raw request path into segments, then percent-decodes each one, so an encoded `%2F`
/// stays inside its segment. Nil when an escape is malformed or decodes to invalid UTF-8.
func decodePathSegments(_ rawPath: String) -> [String]? {
    var segments: [String] = []
    for raw in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
        guard let decoded = PercentEncoding.decode(raw) else { return nil }
        segments.append(decoded)
    }
    return segments
}
