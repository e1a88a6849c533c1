import FoundationEssentials

/// An HTTP response, built by chaining from the `response` a handler receives.
///
/// ```swift
/// Router.get("/hello/{name}") { request, response in
///     response.json(["hello": request.params["name"] ?? "world"])
/// }
/// Router.get("/old") { _, response in response.redirect(to: "/new", status: 301) }
/// Router.get("/chat/{room}") { request, response in
///     response.render("chat.html", ["room": request.params["room"] ?? "general"])
/// }
/// ```
public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The same response with another status: `response.status(201).json(...)`.
    public func status(_ code: Int) -> Response {
        var copy = self
        copy.status = code
        return copy
    }

    /// The same response with a header set (replacing any of the same name). A name that is not
    /// a token, or a CR, LF or NUL in the value, makes the server answer 500 instead (and log
    /// why): a header is never split into two.
    public func header(_ name: String, _ value: String) -> Response {
        var copy = self
        copy.headers.set(name, value)
        return copy
    }

    /// A body with its content type.
    public func body(_ bytes: [UInt8], contentType: String, status: Int? = nil) -> Response {
        var copy = self
        copy.body = bytes
        copy.headers.set("Content-Type", contentType)
        if let status { copy.status = status }
        return copy
    }

    /// A JSON body (`value.jsonValue` converts other Swift values, e.g. arrays).
    public func json(_ value: JSON, status: Int? = nil) -> Response {
        body(value.serializedBytes(), contentType: "application/json; charset=utf-8", status: status)
    }

    /// A JSON object body from literal pairs, in the order written:
    /// `response.json(["message": "Order shipped", "delivered": delivered], status: 201)`.
    public func json(_ pairs: KeyValuePairs<String, any JSONConvertible>, status: Int? = nil) -> Response {
        json(JSON(pairs), status: status)
    }

    /// A JSON body from an `Encodable` value (keys sorted, for a stable output).
    public func json(encoding value: some Encodable, status: Int? = nil) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return body(Array(try encoder.encode(value)), contentType: "application/json; charset=utf-8", status: status)
        } catch {
            return json(["error": "could not encode the response: \(error)"], status: 500)
        }
    }

    /// An HTML body (`text/html; charset=utf-8`).
    public func html(_ html: String, status: Int? = nil) -> Response {
        body(Array(html.utf8), contentType: "text/html; charset=utf-8", status: status)
    }

    /// A plain-text body (`text/plain; charset=utf-8`).
    public func text(_ text: String, status: Int? = nil) -> Response {
        body(Array(text.utf8), contentType: "text/plain; charset=utf-8", status: status)
    }

    /// A redirect to `location` (302 by default; 301, 303, 307, 308 also make sense). A CR, LF or
    /// NUL in `location` (e.g. `%0d%0a` decoded from a query) makes the server answer 500 instead.
    public func redirect(to location: String, status: Int = 302) -> Response {
        var copy = text("Redirecting to \(location)\n", status: status)
        copy.headers.set("Location", location)
        return copy
    }
}

extension Response {
    /// A plain error answer in the form the client asked for: JSON `{"error": …, "status": …}`
    /// or a small HTML page.
    static func error(_ status: Int, _ message: String, json: Bool) -> Response {
        let reason = HTTPStatus.reasonPhrase(status)
        if json {
            return Response().json(["error": message, "status": status], status: status)
        }
        let page = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(status) \(reason)</title></head>
            <body style="font-family: system-ui, sans-serif; margin: 3em"><h1>\(status) \(reason)</h1>
            <p>\(HTMLText.escaped(message))</p></body></html>

            """
        return Response().html(page, status: status)
    }

    /// What the `Connection` header says about the connection after a response.
    enum Persistence {
        /// HTTP/1.1 keeps the connection by default: nothing to say.
        case persistent
        /// An HTTP/1.0 client that asked for `keep-alive` must be told it was granted.
        case keepAlive
        case close
    }

    /// Whether the body goes on the wire: never for HEAD (`omitBody`), 1xx, 204 or 304.
    func sendsBody(omitBody: Bool) -> Bool {
        !omitBody && !(status < 200 || status == 204 || status == 304)
    }

    /// The status line and headers as ``HTTPResponseBytes`` writes them (the one serializer);
    /// the body (when ``sendsBody(omitBody:)``) follows as it is.
    func serializedHead(persistence: Persistence, date: String) -> [UInt8] {
        HTTPResponseBytes(self, omitBody: true, persistence: persistence, date: date).head.bytes
    }
}
