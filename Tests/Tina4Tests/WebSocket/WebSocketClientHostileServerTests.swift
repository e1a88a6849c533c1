import Foundation
import Glibc
import Testing
@testable import Tina4

/// `tina4 listen` / `tina4 send` against a server that answers the upgrade with a hostile
/// refusal: the client reports it and never traps.
@Suite struct WebSocketClientHostileServerTests {
    /// Accepts one connection on a loopback port, reads the request head, writes `answer` and
    /// closes. Every wait is bounded (5 s).
    final class OneShotServer: Sendable {
        let port: UInt16
        private let listener: Int32
        private let done = DispatchSemaphore(value: 0)

        init(answer: [UInt8]) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(fd >= 0 && bound == 0 && listen(fd, 1) == 0)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            listener = fd
            port = UInt16(bigEndian: address.sin_port)
            Thread.detachNewThread { [self] in
                serve(answer)
                done.signal()
            }
        }

        private func serve(_ answer: [UInt8]) {
            defer { _ = Glibc.close(listener) }
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 5_000) == 1 else { return }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            defer { _ = Glibc.close(fd) }
            var head: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
                var readable = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&readable, 1, 5_000) == 1 else { return }
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { return }
                head += buffer[..<n]
            }
            _ = answer.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        func waitUntilFinished() -> Bool { done.wait(timeout: .now() + 10) == .success }
    }

    func refusal(contentLength: String, body: String) throws -> WebSocketClientError? {
        let server = try OneShotServer(answer: Array("HTTP/1.1 403 Forbidden\r\nContent-Length: \(contentLength)\r\n\r\n\(body)".utf8))
        defer { #expect(server.waitUntilFinished()) }
        do {
            _ = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", timeout: 5)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["-1", "-9223372036854775808", "99999999999999999999999", "9223372036854775807", "+5", "0x10", " "])
    func aHostileContentLengthIsReportedNotTrapped(contentLength: String) throws {
        let error = try refusal(contentLength: contentLength, body: "go away")
        #expect(error == .handshakeFailed(status: 403, body: "go away"))
    }

    @Test func aContentLengthShorterThanTheBodyCutsIt() throws {
        #expect(try refusal(contentLength: "2", body: "go away") == .handshakeFailed(status: 403, body: "go"))
    }
}
