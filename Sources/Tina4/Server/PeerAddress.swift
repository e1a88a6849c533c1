import Glibc

/// A connected peer's IP address, packed into 16 bytes (IPv4 as an IPv4-mapped IPv6 address, so
/// `::ffff:10.0.0.1` and `10.0.0.1` are one peer): the key the per-address cap counts by.
///
/// ```swift
/// if let peer = PeerAddress(ofSocket: fd) { print(peer) }   // "127.0.0.1"
/// ```
struct PeerAddress: Hashable, CustomStringConvertible {
    var high: UInt64
    var low: UInt64

    /// The address of the socket's peer; nil when the socket has none (it was reset already).
    init?(ofSocket fd: Int32) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            let ipv4 = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            }
            self.init(ipv4: ipv4)
        case AF_INET6:
            let halves = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { ($0.prefix(8).bigEndianWord, $0.suffix(8).bigEndianWord) }
                }
            }
            self.init(high: halves.0, low: halves.1)
        default:
            return nil
        }
    }

    init(ipv4: UInt32) {
        self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(ipv4))
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// `10.0.0.1` for IPv4 (also IPv4-mapped), otherwise eight groups of hex (`2001:db8:0:0:0:0:0:1`).
    var description: String {
        if high == 0 && low >> 32 == 0xFFFF {
            return (0..<4).map { String(low >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
        }
        let groups = (0..<4).map { String(high >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
            + (0..<4).map { String(low >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
        return groups.joined(separator: ":")
    }
}

extension Slice<UnsafeRawBufferPointer> {
    /// These (up to 8) bytes as one big-endian number.
    fileprivate var bigEndianWord: UInt64 { reduce(0) { $0 << 8 | UInt64($1) } }
}
