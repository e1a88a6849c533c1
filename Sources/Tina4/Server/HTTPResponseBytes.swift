/// A response as the bytes that go on the wire, serialized straight into ``OutgoingBytes``.
///
/// The head is measured first and then written in place, so it is built with one allocation and
/// no intermediate array. A body up to ``inlineBodyLimit`` is written behind the head in the same
/// buffer (one `writev` entry, one copy of the body); a larger body gets its own buffer, filled
/// with its only copy.
///
/// This is the one HTTP response serializer (``Response/serializedHead(persistence:date:)`` calls
/// it): `Content-Length`, `Date`, `Server` and the `Connection` header for `persistence` are
/// added; the handler's own `Connection` options (e.g. `Upgrade`) are kept, but `close` and
/// `keep-alive` are the server's to decide. A field that could split the response (CR, LF or NUL,
/// a name that is not a token) is never written; the dispatcher answers such a response with a
/// logged 500 before it gets here (``Response/refusingUnsafeHeaders(json:)``).
///
/// ```swift
/// let bytes = HTTPResponseBytes(response, omitBody: false, persistence: .persistent, date: CurrentHTTPDate.value)
/// channel.send(bytes.head)
/// if let body = bytes.body { channel.send(body) }
/// ```
struct HTTPResponseBytes {
    /// Bodies up to this size share the head's buffer.
    static let inlineBodyLimit = 16 * 1024

    /// The status line and headers, followed by the body when it is small.
    let head: OutgoingBytes
    /// A large body, in its own buffer; nil when there is none or it is in ``head``.
    let body: OutgoingBytes?

    init(_ response: Response, omitBody: Bool, persistence: Response.Persistence, date: String) {
        let plan = HeadPlan(response, persistence: persistence, date: date)
        var counter = CountingSink()
        plan.write(to: &counter)
        let headCount = counter.count
        let sendsBody = response.sendsBody(omitBody: omitBody)
        let inline = sendsBody && response.body.count <= Self.inlineBodyLimit
        let total = headCount + (inline ? response.body.count : 0)
        head = OutgoingBytes(count: total) { buffer in
            var sink = PointerSink(next: buffer.baseAddress!)
            plan.write(to: &sink)
            if inline { sink.write(response.body) }
        }
        body = sendsBody && !inline && !response.body.isEmpty ? OutgoingBytes(response.body) : nil
    }
}

/// What the head says, decided once; written twice (measured, then filled).
private struct HeadPlan {
    let response: Response
    let date: String
    var hasContentLength = false
    var hasDate = false
    var hasServer = false
    /// The `Connection` header's options, server-decided ones last; empty means no header.
    var connectionOptions: [String] = []

    init(_ response: Response, persistence: Response.Persistence, date: String) {
        self.response = response
        self.date = date
        for (name, value) in response.headers where Response.headerProblem(name: name, value: value) == nil {
            if HTTPBytes.equalsIgnoringCase(name, "Content-Length") { hasContentLength = true }
            if HTTPBytes.equalsIgnoringCase(name, "Date") { hasDate = true }
            if HTTPBytes.equalsIgnoringCase(name, "Server") { hasServer = true }
            if HTTPBytes.equalsIgnoringCase(name, "Connection") {
                for option in value.split(separator: ",") {
                    let trimmed = option.trimmingCharacters(in: " \t")
                    let isOurs = HTTPBytes.equalsIgnoringCase(trimmed, "close") || HTTPBytes.equalsIgnoringCase(trimmed, "keep-alive")
                    if !trimmed.isEmpty && !isOurs { connectionOptions.append(trimmed) }
                }
            }
        }
        switch persistence {
        case .persistent: break
        case .keepAlive: connectionOptions.append("keep-alive")
        case .close: connectionOptions.append("close")
        }
    }

    func write<Sink: HeadSink>(to sink: inout Sink) {
        let status = response.status
        sink.write("HTTP/1.1 ")
        sink.write(decimal: status)
        sink.write(" ")
        sink.write(HTTPStatus.reasonPhrase(status))
        sink.write("\r\n")
        for (name, value) in response.headers
        where !HTTPBytes.equalsIgnoringCase(name, "Connection") && Response.headerProblem(name: name, value: value) == nil {
            sink.write(name)
            sink.write(": ")
            sink.write(value)
            sink.write("\r\n")
        }
        let bodyless = status < 200 || status == 204 || status == 304
        if !hasContentLength && !bodyless {
            sink.write("Content-Length: ")
            sink.write(decimal: response.body.count)
            sink.write("\r\n")
        }
        if !hasDate {
            sink.write("Date: ")
            sink.write(date)
            sink.write("\r\n")
        }
        if !hasServer { sink.write("Server: Tina4 Swift\r\n") }
        if !connectionOptions.isEmpty {
            sink.write("Connection: ")
            for (index, option) in connectionOptions.enumerated() {
                if index > 0 { sink.write(", ") }
                sink.write(option)
            }
            sink.write("\r\n")
        }
        sink.write("\r\n")
    }
}

private protocol HeadSink {
    mutating func write(_ text: String)
    mutating func write(decimal value: Int)
}

/// Measures.
private struct CountingSink: HeadSink {
    var count = 0
    mutating func write(_ text: String) { count += text.utf8.count }
    mutating func write(decimal value: Int) { count += decimalDigits(value) }
}

/// Fills a buffer that was measured by a ``CountingSink``.
private struct PointerSink: HeadSink {
    var next: UnsafeMutableRawPointer

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        next.copyMemory(from: source, byteCount: bytes.count)
        next += bytes.count
    }

    mutating func write(decimal value: Int) {
        let digits = decimalDigits(value)
        if value < 0 {
            next.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
        }
        var rest = value.magnitude
        var index = digits - 1
        repeat {
            next.storeBytes(of: UInt8(ascii: "0") + UInt8(rest % 10), toByteOffset: index, as: UInt8.self)
            rest /= 10
            index -= 1
        } while rest > 0
        next += digits
    }
}

/// Characters in `value`'s decimal form (with a minus sign when negative).
private func decimalDigits(_ value: Int) -> Int {
    var count = value < 0 ? 2 : 1
    var rest = value.magnitude / 10
    while rest > 0 {
        count += 1
        rest /= 10
    }
    return count
}
