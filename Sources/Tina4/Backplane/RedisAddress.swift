import Dispatch
import Glibc

/// A resolved Redis address as raw `sockaddr` bytes, so it can cross threads.
struct RedisAddress: Sendable, Equatable {
    var family: Int32
    var storage: [UInt8]

    /// The address of an IPv4/IPv6 literal or `localhost`, without a lookup; nil for other names.
    static func literal(host: String, port: Int) -> RedisAddress? {
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            return RedisAddress(family: AF_INET, storage: withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            return RedisAddress(family: AF_INET6, storage: withUnsafeBytes(of: &v6) { Array($0) })
        }
        return nil
    }

    /// Looks `host` up with `getaddrinfo` on a background thread (a DNS query may take seconds,
    /// and the event loop must never wait) and calls `done` on the main actor.
    @MainActor static func resolve(host: String, port: Int, _ done: @escaping @MainActor @Sendable (Result<RedisAddress, SocketError>) -> Void) {
        if let address = literal(host: host, port: port) {
            done(.success(address))
            return
        }
        DispatchQueue.global().async {
            let result = lookup(host: host, port: port)
            DispatchQueue.main.async { MainActor.assumeIsolated { done(result) } }
        }
    }

    private static func lookup(host: String, port: Int) -> Result<RedisAddress, SocketError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(SocketError(call: "getaddrinfo(\(host)): \(String(cString: gai_strerror(status))); lookup", code: status == EAI_SYSTEM ? errno : EINVAL))
        }
        defer { freeaddrinfo(list) }
        let bytes = UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen))
        return .success(RedisAddress(family: first.pointee.ai_family, storage: Array(bytes)))
    }
}
