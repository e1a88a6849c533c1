import Glibc

/// A connected peer's IP address, packed into 16 bytes (IPv4 as an IPv4-mapped IPv6 address, so
/// `::ffff:10.0.0.1` and `10.0.0.1` are one peer): the key the per-address cap counts by, the
/// loopback test of `/metrics`, and (with the port) the peer in a WebSocket's log lines. The one
/// place the server asks a socket for its peer.
///
/// ```swift
/// if let peer = PeerAddress(ofSocket: fd) { print(peer, peer.isLoopback) }   // "127.0.0.1 true"
/// PeerAddress.describe(socket: fd)                                          // "127.0.0.1:50312"
/// ```
struct PeerAddress: Hashable, CustomStringConvertible {
    var high: UInt64
    var low: UInt64

    /// The address of the socket's peer; nil when the socket has none (it was reset already).
    init?(ofSocket fd: Int32) {
        guard let peer = Self.peer(ofSocket: fd) else { return nil }
        self = peer.address
    }

    init(ipv4: UInt32) {
        self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(ipv4))
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address (or its IPv4-mapped IPv6 form).
    var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// On this machine: 127.0.0.0/8 (also IPv4-mapped) or ::1.
    var isLoopback: Bool {
        isIPv4 ? (low >> 24) & 0xFF == 127 : high == 0 && low == 1
    }

    /// `10.0.0.1` for IPv4 (also IPv4-mapped), otherwise eight groups of hex (`2001:db8:0:0:0:0:0:1`).
    var description: String {
        if isIPv4 {
            return (0..<4).map { String(low >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
        }
        let groups = (0..<4).map { String(high >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
            + (0..<4).map { String(low >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
        return groups.joined(separator: ":")
    }

    /// The socket's peer as `203.0.113.9:50312` or `[2001:db8:0:0:0:0:0:1]:50312`, for log lines;
    /// nil when the socket has no peer (closed, or not connected).
    static func describe(socket fd: Int32) -> String? {
        guard let peer = peer(ofSocket: fd) else { return nil }
        return peer.address.isIPv4 ? "\(peer.address):\(peer.port)" : "[\(peer.address)]:\(peer.port)"
    }

    /// `getpeername`, unpacked: the address and port of the socket's peer.
    private static func peer(ofSocket fd: Int32) -> (address: PeerAddress, port: UInt16)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    (PeerAddress(ipv4: UInt32(bigEndian: $0.pointee.sin_addr.s_addr)), UInt16(bigEndian: $0.pointee.sin_port))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    let halves = withUnsafeBytes(of: pointer.pointee.sin6_addr) { ($0.prefix(8).bigEndianWord, $0.suffix(8).bigEndianWord) }
                    return (PeerAddress(high: halves.0, low: halves.1), UInt16(bigEndian: pointer.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }
}

extension Slice<UnsafeRawBufferPointer> {
    /// These (up to 8) bytes as one big-endian number.
    fileprivate var bigEndianWord: UInt64 { reduce(0) { $0 << 8 | UInt64($1) } }
}
