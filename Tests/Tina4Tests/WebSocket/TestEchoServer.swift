import Foundation
import Glibc
import Synchronization
@testable import Tina4

/// A one-connection WebSocket echo server on a loopback port chosen by the kernel, run on its
/// own thread, built from the library's handshake and codec. Text messages starting with
/// "cmd:" make it do something else:
///
/// - `cmd:ping P`   sends a ping with payload P; when the pong comes back it sends text "pong:P"
/// - `cmd:close C R` sends a close with code C and reason R, then waits for the client's reply
/// - `cmd:raw HEX`  writes the bytes as they are (masked or broken frames, fragments)
/// - `cmd:drop`     closes the TCP connection without a close frame
///
/// What it saw is kept in `log` ("close 1000 bye", "error 1002", "rejected 400", ...);
/// `waitUntilFinished` returns once the connection is over.
final class TestEchoServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let entries = Mutex<[String]>([])
    private let greeting: [UInt8]
    private let corruptAccept: Bool

    /// `greeting` is written in the same write as the 101 response.
    init(ipv6: Bool = false, greeting: [UInt8] = [], corruptAccept: Bool = false) throws {
        self.greeting = greeting
        self.corruptAccept = corruptAccept
        (listener, port) = try Self.listen(ipv6: ipv6)
        Thread.detachNewThread { [self] in
            serveOneConnection()
            _ = Glibc.close(listener)
            finished.signal()
        }
    }

    var log: [String] { entries.withLock { $0 } }

    /// True once the connection ended (waits at most `seconds`).
    func waitUntilFinished(seconds: Double = 10) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    static var ipv6LoopbackWorks: Bool {
        guard let (fd, _) = try? listen(ipv6: true) else { return false }
        _ = Glibc.close(fd)
        return true
    }

    private func record(_ line: String) { entries.withLock { $0.append(line) } }

    // MARK: connection

    private func serveOneConnection() {
        var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, 10_000) == 1 else { return record("no client") }
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return record("accept failed") }
        defer { _ = Glibc.close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        guard let (head, leftover) = readRequestHead(fd) else { return record("bad request") }
        switch WebSocketHandshake.validate(method: head.method, versionMajor: 1, versionMinor: head.minor, headerValues: head.values) {
        case .failure(let rejection):
            record("rejected \(rejection.status)")
            write(fd, rejection.httpResponse())
        case .success(let accept):
            let answer = corruptAccept ? "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" : accept
            write(fd, WebSocketHandshake.switchingProtocolsResponse(accept: answer) + greeting)
            speakFrames(fd, leftover)
        }
    }

    private func speakFrames(_ fd: Int32, _ leftover: [UInt8]) {
        var decoder = WebSocketFrameDecoder()
        var incoming = leftover
        var closeSent = false
        while true {
            let result = decoder.decode(incoming)
            if let error = result.error {
                record("error \(error.code.rawValue)")
                write(fd, WebSocketFrameEncoder.close(code: error.code, reason: error.reason))
                return
            }
            for event in result.events {
                switch event {
                case .text(let text) where text.hasPrefix("cmd:"):
                    if !command(String(text.dropFirst(4)), fd, &closeSent) { return }
                case .text(let text):
                    write(fd, WebSocketFrameEncoder.text(text))
                case .binary(let bytes):
                    write(fd, WebSocketFrameEncoder.binary(bytes))
                case .ping(let payload):
                    write(fd, WebSocketFrameEncoder.pong(payload))
                case .pong(let payload):
                    record("pong \(String(decoding: payload, as: UTF8.self))")
                    write(fd, WebSocketFrameEncoder.text("pong:" + String(decoding: payload, as: UTF8.self)))
                case .close(let code, let reason):
                    record("close \(code.map(String.init) ?? "none") \(reason)")
                    if !closeSent {
                        write(fd, code.map { WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: $0)) }
                                  ?? WebSocketFrameEncoder.encode(opcode: .close, payload: []))
                    }
                    return
                }
            }
            guard let bytes = readSome(fd) else { return record("eof") }
            incoming = bytes
        }
    }

    /// Runs one `cmd:`; false when the connection is over.
    private func command(_ text: String, _ fd: Int32, _ closeSent: inout Bool) -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1] : ""
        switch parts.first ?? "" {
        case "ping":
            write(fd, WebSocketFrameEncoder.ping(Array(argument.utf8)))
        case "close":
            let fields = argument.split(separator: " ", maxSplits: 1).map(String.init)
            let code = WebSocketCloseCode(rawValue: UInt16(fields.first ?? "") ?? 1000)
            write(fd, WebSocketFrameEncoder.close(code: code, reason: fields.count > 1 ? fields[1] : ""))
            closeSent = true
        case "raw":
            write(fd, Self.bytes(fromHex: argument))
        case "drop":
            record("dropped")
            return false
        default:
            write(fd, WebSocketFrameEncoder.text("unknown command"))
        }
        return true
    }

    // MARK: plumbing

    private struct RequestHead {
        var method: String
        var minor: Int
        var headers: [(String, String)]
        func values(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    private func readRequestHead(_ fd: Int32) -> (RequestHead, [UInt8])? {
        var received: [UInt8] = []
        while true {
            if let end = HTTPResponseHead.end(in: received, searchingFrom: 0) {
                let lines = String(decoding: received[..<end], as: UTF8.self).split(separator: "\r\n")
                let requestLine = lines.first?.split(separator: " ") ?? []
                guard requestLine.count == 3 else { return nil }
                let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                let minor = requestLine[2] == "HTTP/1.0" ? 0 : 1
                return (RequestHead(method: String(requestLine[0]), minor: minor, headers: headers), Array(received[end...]))
            }
            guard received.count < 16_384, let more = readSome(fd) else { return nil }
            received += more
        }
    }

    private func readSome(_ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[..<n]) : nil
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    static func bytes(fromHex hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private struct ListenError: Error { var step: String }

    private static func listen(ipv6: Bool) throws -> (Int32, UInt16) {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError(step: "socket") }
        var bound: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            _ = Glibc.close(fd)
            throw ListenError(step: "bind/listen")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = withUnsafePointer(to: &storage) { pointer -> UInt16 in
            ipv6 ? pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                 : pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        return (fd, port)
    }
}
