import Glibc

/// The process's open-file limit: every connection is a file descriptor, and Linux's usual soft
/// limit of 1,024 would stop the server at about a thousand clients. `tina4 serve` raises the
/// soft limit to the hard limit at start and, when that is still short of
/// `TINA4_MAX_CONNECTIONS`, says so in the banner.
///
/// ```swift
/// let limit = OpenFileLimit.raiseToHardLimit()           // e.g. 1048576
/// OpenFileLimit.warning(limit: 1024, maxConnections: 100_000)
/// // "  Open-file limit 1024 (ulimit -n): about 992 clients at once, fewer than TINA4_MAX_CONNECTIONS=100000"
/// ```
enum OpenFileLimit {
    /// Descriptors the server needs besides its clients' (standard streams, epoll, timer, the
    /// listener, Redis, files being served), with room to spare.
    static let headroom: UInt64 = 32

    /// Raises the soft limit to the hard one (to the kernel's `nr_open` when the hard limit is
    /// unlimited, `RLIM_INFINITY`); returns the soft limit in force afterwards.
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        var target = limit.rlim_max
        if target == rlim_t.max, let ceiling = kernelCeiling() { target = ceiling }
        if limit.rlim_cur < target {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(resource, &raised) == 0 { return UInt64(target) }
        }
        return UInt64(limit.rlim_cur)
    }

    /// The banner line when `limit` descriptors cannot hold `maxConnections` clients; nil when they can.
    static func warning(limit: UInt64, maxConnections: Int) -> String? {
        guard limit < UInt64(maxConnections) + headroom else { return nil }
        let clients = limit > headroom ? limit - headroom : 0
        return "  Open-file limit \(limit) (ulimit -n): about \(clients) clients at once, fewer than TINA4_MAX_CONNECTIONS=\(maxConnections)"
    }

    private static var resource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }

    /// `/proc/sys/fs/nr_open`: the most a process may set.
    private static func kernelCeiling() -> rlim_t? {
        let fd = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return rlim_t(String(decoding: buffer[0..<n], as: UTF8.self).filter(\.isNumber))
    }
}
