import Glibc

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

extension Socket {
    /// Whether the peer of connected socket `fd` is on this machine: 127.0.0.0/8, ::1, or
    /// ::ffff:127.0.0.0/104 (IPv4 loopback on a dual-stack socket). False when it cannot be told.
    static func peerIsLoopback(_ fd: Int32) -> Bool {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard found else { return false }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { raw in
                raw.load(fromByteOffset: MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_addr)!, as: UInt8.self) == 127
            }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { raw in
                let offset = MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_addr)!
                let address = Array(raw[offset..<offset + 16])
                let loopback6 = address[0..<15].allSatisfy { $0 == 0 } && address[15] == 1
                let mappedLoopback4 = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF && address[12] == 127
                return loopback6 || mappedLoopback4
            }
        default:
            return false
        }
    }
}
