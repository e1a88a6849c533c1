/// `GET /metrics`, answered by the server itself (``HTTPDispatcher``) before any route, under
/// ``ServerConfiguration/metrics``.
///
/// ```sh
/// curl -s http://127.0.0.1:7149/metrics | grep tina4_websocket_connections
/// ```
@MainActor
enum MetricsEndpoint {
    static let path = "/metrics"

    /// The exposition for GET and HEAD (the connection drops the body of a HEAD); 405 otherwise.
    static func respond(method: String, hub: WebSocketHub) -> Response {
        guard method == "GET" || method == "HEAD" else {
            var response = Response.error(405, "\(method) is not allowed on \(path)", json: false)
            response.headers.set("Allow", "GET, HEAD")
            return response
        }
        var response = Response(status: 200, body: Array(MetricsExposition.render(hub: hub).utf8))
        response.headers.set("Content-Type", PrometheusText.contentType)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

/// The client side of a request, as the dispatcher may ask about it: the channel.
@MainActor
protocol RequestPeer: AnyObject {
    /// Whether the client is on this machine (asked only for metrics paths: one `getpeername`).
    var isLoopback: Bool { get }
    /// `fd=12`, for log lines.
    var logName: String { get }
}

extension Channel: RequestPeer {
    var isLoopback: Bool { PeerAddress(ofSocket: fd)?.isLoopback ?? false }
}
