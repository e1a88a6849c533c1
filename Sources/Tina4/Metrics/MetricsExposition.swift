/// The text of `/metrics`: the hub's ``ServerMetrics``, its backplane (when one is running)
/// and the process (from `/proc/self`), written with ``PrometheusText``.
///
/// Every family is here, in one list, with its help text. Label sets are bounded: route
/// *patterns* (not paths), methods (a known set plus `other`), status classes, close codes
/// (1000–1015 plus `other`) and drop reasons.
///
/// ```swift
/// let text = MetricsExposition.render(hub: Router.hub)   // what GET /metrics answers
/// ```
@MainActor
public enum MetricsExposition {
    public static func render(hub: WebSocketHub) -> String {
        render(metrics: hub.metrics, openPaths: hub.openPathCount, backplane: hub.backplaneMetrics, process: .read())
    }

    static func render(metrics: ServerMetrics, openPaths: Int, backplane: BackplaneMetrics?, process: ProcessStats) -> String {
        var text = PrometheusText()
        webSockets(metrics, openPaths: openPaths, into: &text)
        http(metrics, into: &text)
        if let backplane { self.backplane(backplane, into: &text) }
        self.process(process, into: &text)
        return text.output
    }

    private static func webSockets(_ metrics: ServerMetrics, openPaths: Int, into text: inout PrometheusText) {
        text.family("tina4_websocket_connections", .gauge, help: "Open WebSocket connections by route pattern.")
        for (route, count) in metrics.openWebSocketsByRoute {
            text.sample("tina4_websocket_connections", labels: [("route", route)], value: count)
        }
        text.family("tina4_websocket_open_paths", .gauge, help: "Distinct paths (rooms) with at least one open WebSocket.")
        text.sample("tina4_websocket_open_paths", value: openPaths)
        counter(&text, "tina4_websocket_connections_opened_total", "WebSocket connections opened.", metrics.webSocketsOpened)
        counter(&text, "tina4_websocket_messages_received_total", "WebSocket messages received from clients.", metrics.webSocketMessagesIn)
        counter(&text, "tina4_websocket_messages_sent_total", "WebSocket data messages queued to clients (each broadcast delivery counts).",
                metrics.webSocketMessagesOut)
        counter(&text, "tina4_websocket_received_bytes_total", "Bytes read from WebSocket connections, as framed on the wire.",
                metrics.webSocketBytesIn)
        counter(&text, "tina4_websocket_sent_bytes_total", "Bytes of data frames queued to WebSocket clients, as framed and compressed.",
                metrics.webSocketBytesOut)
        counter(&text, "tina4_websocket_broadcasts_total", "Broadcasts, pushes and relayed envelopes fanned out.", metrics.broadcasts)
        counter(&text, "tina4_websocket_broadcast_deliveries_total", "Connections a broadcast was queued for.", metrics.broadcastDeliveries)
        text.family("tina4_websocket_closes_total", .counter, help: "WebSocket connections closed, by close code (1006: no close frame).")
        for (code, count) in metrics.closeCodes.nonZero {
            text.sample("tina4_websocket_closes_total", labels: [("code", code)], value: count)
        }
        text.family("tina4_websocket_dropped_total", .counter, help: "WebSocket connections the server dropped or refused, by reason.")
        for reason in WebSocketDropReason.allCases {
            text.sample("tina4_websocket_dropped_total", labels: [("reason", reason.label)], value: metrics.dropped(reason))
        }
    }

    private static func http(_ metrics: ServerMetrics, into text: inout PrometheusText) {
        text.family("tina4_connections_refused_total", .counter,
                    help: "Connections answered 503 at accept: over TINA4_MAX_CONNECTIONS or TINA4_MAX_PER_IP.")
        text.sample("tina4_connections_refused_total", labels: [("limit", "max_connections")], value: metrics.refusedOverConnectionCap)
        text.sample("tina4_connections_refused_total", labels: [("limit", "max_per_ip")], value: metrics.refusedOverAddressCap)
        counter(&text, "tina4_connections_write_stalled_total",
                "Connections closed because their client read under the minimum rate while output waited.", metrics.writeStalledDrops)
        counter(&text, "tina4_accept_pauses_total", "Times accepting paused for 250 ms: out of file descriptors.", metrics.acceptPauses)
        text.family("tina4_http_requests_total", .counter, help: "HTTP requests answered, by method and status class.")
        for (method, statusClass, count) in metrics.httpRequests.nonZero {
            text.sample("tina4_http_requests_total", labels: [("method", method), ("status", statusClass)], value: count)
        }
        text.family("tina4_http_request_duration_seconds", .histogram,
                    help: "Time from a complete request to its response being queued (WebSocket upgrades included).")
        text.histogram("tina4_http_request_duration_seconds", bounds: LatencyHistogram.bounds,
                       cumulativeCounts: metrics.httpLatency.cumulativeCounts, sum: metrics.httpLatency.sumSeconds)
    }

    private static func backplane(_ backplane: BackplaneMetrics, into text: inout PrometheusText) {
        text.family("tina4_backplane_connected", .gauge, help: "1 while both Redis connections of the backplane are up.")
        text.sample("tina4_backplane_connected", value: backplane.connected ? 1 : 0)
        counter(&text, "tina4_backplane_envelopes_published_total", "Envelopes Redis acknowledged.", backplane.published)
        counter(&text, "tina4_backplane_envelopes_received_total", "Envelopes from other instances delivered here.", backplane.received)
        counter(&text, "tina4_backplane_envelopes_queued_total", "Envelopes queued while Redis was away.", backplane.queuedWhileDisconnected)
        counter(&text, "tina4_backplane_envelopes_dropped_total", "Envelopes dropped: the outage queue was full, or Redis refused them.",
                backplane.dropped)
    }

    private static func process(_ process: ProcessStats, into text: inout PrometheusText) {
        if let resident = process.residentBytes {
            text.family("process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.")
            text.sample("process_resident_memory_bytes", value: resident)
        }
        if let fds = process.openFileDescriptors {
            text.family("process_open_fds", .gauge, help: "Number of open file descriptors.")
            text.sample("process_open_fds", value: fds)
        }
        if let cpu = process.cpuSeconds {
            text.family("process_cpu_seconds_total", .counter, help: "Total user and system CPU time spent in seconds.")
            text.sample("process_cpu_seconds_total", value: cpu)
        }
    }

    private static func counter(_ text: inout PrometheusText, _ name: String, _ help: String, _ value: Int) {
        text.family(name, .counter, help: help)
        text.sample(name, value: value)
    }
}
