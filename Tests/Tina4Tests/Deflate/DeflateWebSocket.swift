import Dispatch
import Glibc
@testable import Tina4

/// A blocking test client that offers permessage-deflate, as a browser does, and then speaks it:
/// it compresses what it sends (masked, RSV1 on the first frame, any fragment count) with the
/// window and context the server's response allows, and inflates what the server sends. It keeps
/// the raw first byte of every data frame it receives, so tests can check RSV1 on the wire.
final class DeflateWebSocket {
    let connection: RawConnection
    /// The server's `Sec-WebSocket-Extensions` response value (nil: none).
    let responseExtensions: String?
    /// Our compressor (client → server), nil when nothing was agreed.
    private var deflater: PerMessageDeflater?
    private var decoder: WebSocketFrameDecoder
    private var unread: [UInt8]
    /// First header byte of each frame received, in order.
    private(set) var frameFirstBytes: [UInt8] = []
    /// Wire bytes received after the handshake.
    private(set) var bytesReceived = 0
    private var pendingFrameBytes: [UInt8] = []

    /// Connects to `path` with `offer` as the `Sec-WebSocket-Extensions` value (nil: no header).
    init(port: Int, path: String, offer: String?, maxMessageBytes: Int = 64 << 20) throws {
        connection = try RawConnection(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let offer { request += "Sec-WebSocket-Extensions: \(offer)\r\n" }
        try connection.send(request + "\r\n")
        let terminator: [UInt8] = [13, 10, 13, 10]
        let bytes = connection.read { $0.firstRange(of: terminator) != nil }
        guard let end = bytes.firstRange(of: terminator), bytes.starts(with: Array("HTTP/1.1 101 ".utf8)) else {
            throw TestFailure("no 101 response: \(String(decoding: bytes, as: UTF8.self))")
        }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        responseExtensions = head.components(separatedBy: "\r\n").lazy
            .compactMap { line -> String? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "sec-websocket-extensions" else { return nil }
                return HTTPTokenList.trimmed(parts[1])
            }.first
        unread = Array(bytes[end.upperBound...])
        var inbound: PerMessageDeflate.Direction?
        if let responseExtensions {
            // The client's reading of the response (RFC 7692 §7.1): our window/context, the server's.
            guard let accepted = ExtensionHeaderParser.parse([responseExtensions]).first ?? nil,
                  accepted.name == "permessage-deflate" else { throw TestFailure("bad response \(responseExtensions)") }
            var ours = PerMessageDeflate.Direction()
            var theirs = PerMessageDeflate.Direction()
            for parameter in accepted.parameters {
                switch parameter.name {
                case "server_no_context_takeover": theirs.noContextTakeover = true
                case "client_no_context_takeover": ours.noContextTakeover = true
                case "server_max_window_bits": theirs.maxWindowBits = Int(parameter.value ?? "") ?? 0
                case "client_max_window_bits": ours.maxWindowBits = Int(parameter.value ?? "") ?? 0
                default: throw TestFailure("unknown response parameter \(parameter.name)")
                }
            }
            deflater = PerMessageDeflater(ours)
            inbound = theirs
        }
        decoder = WebSocketFrameDecoder(options: .init(maxMessageBytes: maxMessageBytes, requireMaskedFrames: false,
                                                       perMessageDeflate: inbound))
    }

    /// Sends a message, compressed when `compress` (and agreed), cut into `fragments` frames.
    func send(_ payload: [UInt8], binary: Bool = false, compress: Bool = true, fragments: Int = 1) throws {
        let opcode: UInt8 = binary ? 2 : 1
        if compress, deflater != nil {
            guard let compressed = deflater!.compress(payload) else { throw TestFailure("deflate failed") }
            try connection.send(compressedFrames(compressed, opcode: opcode, fragments: fragments, mask: [9, 8, 7, 6]))
        } else {
            try connection.send(plainFrames(payload, opcode: opcode, fragments: fragments))
        }
    }

    func send(text: String, compress: Bool = true, fragments: Int = 1) throws {
        try send(Array(text.utf8), compress: compress, fragments: fragments)
    }

    func sendRaw(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// The next event from the server, or a failure after `timeout` seconds.
    func receive(timeout: Double = 10) throws -> WebSocketFrameEvent {
        var events = try receive(count: 1, timeout: timeout)
        return events.removeFirst()
    }

    private var queued: [WebSocketFrameEvent] = []

    /// The next `count` events.
    func receive(count: Int, timeout: Double = 10) throws -> [WebSocketFrameEvent] {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        if !unread.isEmpty {
            absorb(unread)
            unread = []
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while queued.count < count {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { throw TestFailure("timed out with \(queued.count) of \(count) events") }
            var poller = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32((deadline - now) / 1_000_000) + 1) > 0 else { continue }
            let n = Glibc.read(connection.fd, &buffer, buffer.count)
            guard n > 0 else { throw TestFailure("connection ended with \(queued.count) of \(count) events") }
            absorb(Array(buffer[0..<n]))
        }
        let events = Array(queued.prefix(count))
        queued.removeFirst(count)
        return events
    }

    /// The close code the server sends next (data before it is skipped).
    func expectClose(timeout: Double = 10) throws -> UInt16? {
        while true {
            if case .close(let code, _) = try receive(timeout: timeout) { return code }
        }
    }

    private func absorb(_ bytes: [UInt8]) {
        bytesReceived += bytes.count
        trackFrames(bytes)
        let result = decoder.decode(bytes)
        queued += result.events
        if let error = result.error { queued.append(.close(code: 0, reason: "client decoder: \(error.reason)")) }
    }

    /// Records the first byte of each frame (server frames are unmasked).
    private func trackFrames(_ bytes: [UInt8]) {
        pendingFrameBytes += bytes
        var at = 0
        while pendingFrameBytes.count - at >= 2 {
            let b1 = pendingFrameBytes[at + 1] & 0x7F
            var header = 2
            var length = Int(b1)
            if b1 == 126 {
                guard pendingFrameBytes.count - at >= 4 else { break }
                header = 4
                length = Int(pendingFrameBytes[at + 2]) << 8 | Int(pendingFrameBytes[at + 3])
            } else if b1 == 127 {
                guard pendingFrameBytes.count - at >= 10 else { break }
                header = 10
                length = (0..<8).reduce(0) { $0 << 8 | Int(pendingFrameBytes[at + 2 + $1]) }
            }
            guard pendingFrameBytes.count - at >= header + length else { break }
            frameFirstBytes.append(pendingFrameBytes[at])
            at += header + length
        }
        pendingFrameBytes.removeFirst(at)
    }
}

/// Masked client frames of an uncompressed message cut into `fragments` pieces.
func plainFrames(_ payload: [UInt8], opcode: UInt8, fragments: Int) -> [UInt8] {
    let size = max(1, (payload.count + fragments - 1) / max(fragments, 1))
    var out: [UInt8] = []
    var at = 0
    var first = true
    repeat {
        let end = min(payload.count, at + size)
        out += rawFrame(first ? opcode : 0, Array(payload[at..<end]), fin: end == payload.count, mask: [5, 6, 7, 8])
        first = false
        at = end
    } while at < payload.count
    return out
}
