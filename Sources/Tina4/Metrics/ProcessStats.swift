import Glibc

/// The process's resident memory, open file descriptors and CPU time, read from `/proc/self`
/// when `/metrics` is scraped (nil for what cannot be read).
///
/// ```swift
/// let stats = ProcessStats.read()
/// stats.residentBytes   // e.g. 9_437_184
/// ProcessStats.residentBytes()   // the same figure alone (the /ws/private demo's get-status)
/// ```
public struct ProcessStats: Sendable {
    var residentBytes: Int?
    var openFileDescriptors: Int?
    /// User plus system time.
    var cpuSeconds: Double?

    static func read() -> ProcessStats {
        ProcessStats(residentBytes: residentBytes(), openFileDescriptors: openFileDescriptors(), cpuSeconds: cpuSeconds())
    }

    /// Resident memory in bytes, from `/proc/self/statm` (its second field is resident pages).
    public static func residentBytes() -> Int? {
        guard let text = readSmallFile("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// `/proc/self/stat`: utime and stime (fields 14 and 15) in clock ticks, counted after the
    /// `)` that ends the command name (which may itself hold spaces).
    private static func cpuSeconds() -> Double? {
        guard let text = readSmallFile("/proc/self/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")": state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    /// Entries of `/proc/self/fd`, less the one the listing itself holds open.
    private static func openFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0.first == UInt8(ascii: ".") }
            if !isDot { count += 1 }
        }
        return max(count - 1, 0)
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
