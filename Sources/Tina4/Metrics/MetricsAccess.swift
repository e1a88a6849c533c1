/// Who may read `/metrics` and the other metrics views (the demo dashboard):
/// `TINA4_METRICS=off|on|loopback`. The default, `loopback`, answers only clients on
/// 127.0.0.0/8 or ::1 (others get 403), because the numbers reveal traffic. Behind a reverse
/// proxy every client's peer is the proxy: a proxy on the same machine makes everyone loopback.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.metrics = .on                       // anyone may scrape
/// configuration.metricsPaths.insert("/dashboard")   // answered under the same rule
/// ```
public enum MetricsAccess: String, Sendable, CaseIterable {
    /// Not served: 404, as for any path nothing serves.
    case off
    /// Served to anyone.
    case on
    /// Served to loopback clients only; 403 for others.
    case loopback

    /// `TINA4_METRICS`, or the default when it is unset or empty.
    static func fromEnvironment(_ environment: [String: String]) throws(ServerConfiguration.Invalid) -> MetricsAccess {
        guard let text = environment["TINA4_METRICS"], !text.isEmpty else { return .loopback }
        guard let access = MetricsAccess(rawValue: text.lowercased()) else {
            throw ServerConfiguration.Invalid(name: "TINA4_METRICS", value: text, expected: "off, on or loopback")
        }
        return access
    }
}
