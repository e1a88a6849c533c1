import Glibc
import Tina4

/// `tina4 listen` and `tina4 send`: a terminal WebSocket client, so pushes can be watched without
/// a browser. Each message is written on its own line with one `write(2)`, so it shows at once
/// even when standard output is a file or a pipe. (`tina4 chat` is ``ChatCommand``.)
enum ClientCommands {
    static func listen(_ arguments: [String]) -> Int32 {
        guard let (_, positional) = parseOptions(arguments, allowed: []), positional.count == 1 else {
            printError("usage: tina4 listen ws://HOST:PORT/PATH")
            return 2
        }
        let client: WebSocketClient
        do {
            client = try WebSocketClient(url: positional[0])
        } catch {
            printError(describe(error, url: positional[0]))
            return 1
        }
        printError("listening on \(positional[0]) (Ctrl+C to stop)")
        return printMessages(from: client, quietSeconds: nil)
    }

    /// `tina4 send URL MESSAGE...`: every message in order on one connection, then the replies
    /// until none arrived for `--wait` seconds, then a close with 1000.
    static func send(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: ["wait"]), positional.count >= 2 else {
            printError("usage: tina4 send ws://HOST:PORT/PATH MESSAGE... [--wait SECONDS]")
            return 2
        }
        guard let wait = waitSeconds(options["wait"], default: 1) else { return 2 }
        let url = positional[0]
        do {
            let client = try WebSocketClient(url: url)
            try sendAll(positional.dropFirst(), on: client)
            let status = printMessages(from: client, quietSeconds: wait)
            if status == 0 { _ = try? client.close(timeout: 2) }
            return status
        } catch {
            printError(describe(error, url: url))
            return 1
        }
    }

    /// Sends each message in order. When the server has already closed (a refusal right after
    /// the handshake) it stops quietly: what the server said before closing, then why, is
    /// printed next, as `listen` prints it.
    private static func sendAll(_ messages: ArraySlice<String>, on client: WebSocketClient) throws(WebSocketClientError) {
        for message in messages {
            do throws(WebSocketClientError) {
                try client.send(text: message)
            } catch {
                if case .closed = error { return }
                throw error
            }
        }
    }

    /// `--wait` as seconds from 0 to 3600, or nil after saying what is wrong.
    static func waitSeconds(_ text: String?, default fallback: Double) -> Double? {
        guard let text else { return fallback }
        guard let wait = Double(text), wait >= 0, wait <= 3600 else {
            printError("--wait must be a number of seconds from 0 to 3600")
            return nil
        }
        return wait
    }

    /// Prints messages until the server closes, or (with `quietSeconds`) until none arrived for that long.
    private static func printMessages(from client: WebSocketClient, quietSeconds: Double?) -> Int32 {
        while true {
            do {
                guard let event = try client.receive(timeout: quietSeconds ?? 3600) else {
                    if quietSeconds != nil { return 0 }
                    continue
                }
                switch event {
                case .text(let text): printLine(text)
                case .binary(let bytes): printLine("<binary message, \(bytes.count) bytes>")
                case .ping, .pong, .close: break
                }
            } catch {
                return ended(by: error)
            }
        }
    }

    /// The end of a receiving loop, said on stderr: the server's close (exit status 0 for 1000, 1001
    /// or no code, 1 otherwise) or the failure.
    static func ended(by error: WebSocketClientError) -> Int32 {
        guard case .closed(let code, let reason) = error else {
            printError("\(error)")
            return 1
        }
        printError("server closed the connection (\(code.map(String.init) ?? "no code")\(reason.isEmpty ? "" : ": \(reason)"))")
        return code == nil || code == 1000 || code == 1001 ? 0 : 1
    }

    /// One line for a failed connection: `no WebSocket route at /ws/nope (HTTP 404)` for a
    /// refused handshake (the server's message, not its whole HTML page).
    static func describe(_ error: WebSocketClientError, url: String) -> String {
        switch error {
        case .handshakeFailed(let status, let body):
            let message = refusalMessage(body)
            return "\(message.isEmpty ? "the server refused the WebSocket handshake at \(url)" : message) (HTTP \(status))"
        case .connectFailed(let why): return "cannot connect to \(url): \(why)"
        default: return "\(url): \(error)"
        }
    }

    /// The message of a refusal body: the `<p>` of Tina4's HTML error page, the `"error"` of a
    /// JSON one, or the first 200 characters of anything else; "" for an empty body.
    static func refusalMessage(_ body: String) -> String {
        if let json = try? JSON.parse(body), let error = json["error"]?.string {
            return error
        }
        if let start = body.firstRange(of: "<p>"), let end = body[start.upperBound...].firstRange(of: "</p>") {
            return unescapeHTML(String(body[start.upperBound..<end.lowerBound]))
        }
        if body.contains("<") { return "" }  // some other HTML page: the status says enough
        return String(body.prefix(200))
    }

    private static func unescapeHTML(_ text: String) -> String {
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
            result = result.replacing(entity, with: character)
        }
        return result
    }
}

/// Writes `text` and a newline to standard output with as few `write(2)` calls as it takes.
func printLine(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
