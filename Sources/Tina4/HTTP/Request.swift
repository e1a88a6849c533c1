/// An HTTP request as a route handler sees it.
///
/// ```swift
/// Router.post("/api/orders/{order_id:int}/ship") { request, response in
///     let orderID = request.params["order_id"] ?? ""          // "42"
///     let userID = request.body["user_id"]?.int ?? 0           // from JSON or form fields
///     let verbose = request.query["verbose"] == "1"            // ?verbose=1
///     return response.json(["order": orderID, "user": userID, "verbose": verbose], status: 201)
/// }
/// ```
public struct Request: Sendable {
    /// The method as sent, e.g. "GET".
    public let method: String
    /// The path, percent-decoded segment by segment and re-joined with `/`.
    public let path: String
    /// The raw request target (path and query as sent).
    public let target: String
    /// Route parameters, e.g. `["order_id": "42"]` for `/api/orders/{order_id:int}/ship`.
    public let params: [String: String]
    /// Query-string parameters (the first value of each name).
    public let query: [String: String]
    /// Every query-string pair, in order, duplicates included.
    public let queryPairs: [(name: String, value: String)]
    /// The request headers, looked up case-insensitively.
    public let headers: HTTPHeaders
    /// A JSON body as parsed, or the fields of a form body as an object of strings; `.null` otherwise.
    public let body: JSON
    /// The body bytes as received (de-chunked).
    public let rawBody: [UInt8]

    /// The body as text, or nil when it is not valid UTF-8.
    public var bodyText: String? { String(validating: rawBody, as: UTF8.self) }

    /// A route parameter converted to `T`, e.g. `request.param("order_id", as: Int.self)`.
    public func param<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) -> T? {
        params[name].flatMap(T.init)
    }

    /// True when the client prefers a JSON answer (an `Accept` naming JSON, or an XHR/fetch to `/api/`).
    public var wantsJSON: Bool {
        let accept = HTTPBytes.asciiLowercased(headers["Accept"] ?? "")
        if accept.contains("application/json") { return true }
        if accept.contains("text/html") { return false }
        return path.hasPrefix("/api/") || path == "/api"
    }

    public init(
        method: String, path: String, target: String, params: [String: String] = [:],
        queryPairs: [(name: String, value: String)] = [], headers: HTTPHeaders = HTTPHeaders(),
        body: JSON = .null, rawBody: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.target = target
        self.params = params
        self.queryPairs = queryPairs
        var query: [String: String] = [:]
        for pair in queryPairs where query[pair.name] == nil { query[pair.name] = pair.value }
        self.query = query
        self.headers = headers
        self.body = body
        self.rawBody = rawBody
    }
}

extension Request {
    /// Why a body could not be read, for a 400 answer.
    struct BodyError: Error { var message: String }

    /// Reads the body by its `Content-Type`: JSON (strict; empty is `.null`) or URL-encoded form.
    static func decodeBody(_ bytes: [UInt8], contentType: String?) throws(BodyError) -> JSON {
        guard !bytes.isEmpty, let contentType else { return .null }
        let mediaType = contentType.split(separator: ";").first.map { HTTPBytes.asciiLowercased($0.trimmingCharacters(in: " \t")) } ?? ""
        if mediaType == "application/json" || mediaType.hasSuffix("+json") {
            do {
                return try JSON.parse(bytes)
            } catch {
                throw BodyError(message: "invalid JSON body: \(error)")
            }
        }
        if mediaType == "application/x-www-form-urlencoded" {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw BodyError(message: "form body is not valid UTF-8")
            }
            var fields = JSONObject()
            for pair in QueryString.parse(text) where fields[pair.name] == nil { fields[pair.name] = .string(pair.value) }
            return .object(fields)
        }
        return .null
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        guard let start = firstIndex(where: { !drop.contains($0) }) else { return "" }
        let end = lastIndex(where: { !drop.contains($0) })!
        return String(self[start...end])
    }
}
