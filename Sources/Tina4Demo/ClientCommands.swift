import Glibc
import Tina4

/// `tina4 listen` and `tina4 send`: a terminal WebSocket client, so pushes can be watched without
/// a browser. Each message is written on its own line with one `write(2)`, so it shows at once
/// even when standard output is a file or a pipe.
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
            printError("cannot connect to \(positional[0]): \(error)")
            return 1
        }
        printError("listening on \(positional[0]) (Ctrl+C to stop)")
        return printMessages(from: client, quietSeconds: nil)
    }

    static func send(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: ["wait"]), positional.count == 2 else {
            printError("usage: tina4 send ws://HOST:PORT/PATH MESSAGE [--wait SECONDS]")
            return 2
        }
        guard let wait = Double(options["wait"] ?? "1"), wait >= 0, wait <= 3600 else {
            printError("--wait must be a number of seconds from 0 to 3600")
            return 2
        }
        do {
            let client = try WebSocketClient(url: positional[0])
            try client.send(text: positional[1])
            let status = printMessages(from: client, quietSeconds: wait)
            if status == 0 { _ = try? client.close(timeout: 2) }
            return status
        } catch {
            printError("\(positional[0]): \(error)")
            return 1
        }
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
            } catch .closed(let code, let reason) {
                printError("server closed the connection (\(code.map(String.init) ?? "no code")\(reason.isEmpty ? "" : ": \(reason)"))")
                return code == nil || code == 1000 || code == 1001 ? 0 : 1
            } catch {
                printError("\(error)")
                return 1
            }
        }
    }

    private static func printLine(_ text: String) {
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
}
