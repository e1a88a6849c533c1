extension Frond {
    /// The engine `response.render` uses; `tina4 serve` points it at `src/templates` with the
    /// executable's built-in templates as fallbacks.
    @MainActor public static var shared = Frond(directory: "src/templates")
}

extension Response {
    /// Renders a Frond template as `text/html; charset=utf-8`:
    /// ```swift
    /// Router.get("/chat/{room}") { request, response in
    ///     response.render("chat.html", ["room": request.params["room"] ?? "general"])
    /// }
    /// ```
    /// A missing template or a template error answers 500 with a page naming file, line and
    /// column, and logs the same line.
    @MainActor
    public func render(_ template: String, _ data: KeyValuePairs<String, any JSONConvertible> = [:], status: Int? = nil) -> Response {
        render(template, JSONObject(data.map { ($0.key, $0.value.jsonValue) }), status: status)
    }

    /// Renders a Frond template with an object of variables.
    @MainActor
    public func render(_ template: String, _ data: JSONObject, status: Int? = nil) -> Response {
        do {
            return html(try Frond.shared.render(template, data), status: status)
        } catch {
            Log.shared.error("[frond] \(error.description)")
            return html(error.htmlPage, status: 500)
        }
    }
}
