import Dispatch
import Glibc

/// A test's own failure with a message: `throw TestFailure("no 101 response")`.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs blocking client code off the main thread (the server under test lives on it) and returns
/// its result.
///
/// ```swift
/// let reply = try await offMain { try RawConnection(port: port).readToEnd() }
/// ```
public func offMain<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// How long a blocking test socket waits for one read or write before it fails
/// (`SO_RCVTIMEO`/`SO_SNDTIMEO`): a lost event or a peer that stopped reading ends the test with
/// an error instead of hanging it.
public let testSocketTimeoutSeconds = 10

/// A blocking, close-on-exec TCP socket connected to 127.0.0.1:`port`, its reads and writes
/// bounded by ``testSocketTimeoutSeconds``; the caller closes it.
///
/// ```swift
/// let fd = try connectTCP(port: server.port)
/// defer { close(fd) }
/// try writeAll(fd, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
/// ```
public func connectTCP(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket failed: errno \(errno)") }
    var limit = timeval(tv_sec: testSocketTimeoutSeconds, tv_usec: 0)
    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
        _ = setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        close(fd)
        throw TestFailure("connect to port \(port) failed: errno \(errno)")
    }
    return fd
}

/// Writes every byte or throws (a write that times out after ``testSocketTimeoutSeconds``, or fails).
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard n > 0 else { throw TestFailure("write failed after \(offset) of \(bytes.count) bytes: errno \(errno)") }
        offset += n
    }
}
