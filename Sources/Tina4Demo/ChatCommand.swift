import Glibc
import Tina4

/// `tina4 chat URL [--json] [--wait S]`: a conversation from a terminal. Each line typed (or piped
/// in) is sent as one text message; each message that arrives is printed on standard output as
/// it arrives (`--json`: JSON pretty-printed). Status lines (connected, closed, reconnecting) go
/// to standard error. End of input (Ctrl+D) prints the replies still coming (until none arrived
/// for `--wait` seconds: 0 at a terminal, 1 from a pipe) and closes with 1000.
///
/// ```
/// printf '%s\n' '{"type":"set-username","username":"Ann"}' '{"text":"hi"}' \
///     | tina4 chat ws://localhost:7149/ws/livechat/general
/// ```
///
/// When the connection drops (no close frame, or the server going away with 1001, 1006, 1011,
/// 1012 or 1013) it reconnects after 1, 2, 4, 8 and 8 seconds, then gives up; lines typed
/// meanwhile are kept (at most ``maxQueuedLines``) and sent once connected. A close with 1000
/// ends it normally; any other code (1008 refused, 1009 too big…) ends it with status 1.
///
/// ``WebSocketClient`` is one thread's blocking client with no file descriptor to poll next to
/// standard input, so the loop takes turns: it waits for the server for ``slice`` seconds, then
/// takes whatever standard input has ready without waiting.
enum ChatCommand {
    static let slice = 0.02
    static let maxQueuedLines = 100
    static let reconnectDelays: [Double] = [1, 2, 4, 8, 8]
    /// A connection open this long resets the attempt count.
    static let lastingSeconds = 10.0

    static func run(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: ["wait"], flags: ["json"]),
              positional.count == 1 else {
            printError("usage: tina4 chat ws://HOST:PORT/PATH [--json] [--wait SECONDS]")
            return 2
        }
        let interactive = isatty(0) == 1
        guard let wait = ClientCommands.waitSeconds(options["wait"], default: interactive ? 0 : 1) else { return 2 }
        var session = Session(url: positional[0], pretty: options["json"] != nil, interactive: interactive, wait: wait)
        return session.run()
    }

    /// Why the connection ended, and whether to try again.
    enum Ending: Equatable {
        case normal(code: UInt16?)
        case final(code: UInt16?, reason: String)
        case lost(code: UInt16?)

        /// The ending the close `code` (nil: none in the frame) means.
        static func afterClose(code: UInt16?, reason: String) -> Ending {
            switch code {
            case 1000?: .normal(code: code)
            case nil, 1001?, 1006?, 1011?, 1012?, 1013?: .lost(code: code)
            default: .final(code: code, reason: reason)
            }
        }
    }

    private struct Session {
        let url: String
        let pretty: Bool
        let interactive: Bool
        let wait: Double
        var input = LineSplitter(maxLineBytes: 1 << 20)
        /// Lines read and not yet sent: sent after each read while connected; kept (at most
        /// ``ChatCommand/maxQueuedLines``) while reconnecting.
        var queued: [String] = []
        var connected = false
        var endOfInput = false

        init(url: String, pretty: Bool, interactive: Bool, wait: Double) {
            self.url = url
            self.pretty = pretty
            self.interactive = interactive
            self.wait = wait
        }

        mutating func run() -> Int32 {
            var client: WebSocketClient
            do {
                client = try WebSocketClient(url: url)
            } catch {
                printError(ClientCommands.describe(error, url: url))
                return 1
            }
            printError("connected to \(url)" + (interactive ? " (each line is sent; Ctrl+D closes)" : ""))
            while true {
                connected = true
                let connectedAt = MonotonicClock.seconds()
                let ending = converse(client)
                connected = false
                switch ending {
                case .normal(let code):
                    printError("closed (\(code.map(String.init) ?? "no code"))")
                    return 0
                case .final(let code, let reason):
                    printError("server closed the connection (\(code.map(String.init) ?? "no code")\(reason.isEmpty ? "" : ": \(reason)"))")
                    return 1
                case .lost(let code):
                    if endOfInput && queued.isEmpty {
                        printError("connection lost (\(code.map(String.init) ?? "no close frame")) after the end of input")
                        return 1
                    }
                    // Attempts start again only after a connection that lasted: a server that
                    // accepts and drops at once still ends in "gave up".
                    if MonotonicClock.seconds() - connectedAt >= ChatCommand.lastingSeconds { attempts = 0 }
                    guard let next = reconnect(after: "connection lost (\(code.map(String.init) ?? "no close frame")); ") else { return 1 }
                    client = next
                    printError("reconnected to \(url)")
                }
            }
        }

        /// Attempts made since the last connection that lasted.
        private var attempts = 0

        /// Waits and reconnects, at most the attempts left; nil (after saying so) when they ran out.
        /// `why` starts the first status line.
        private mutating func reconnect(after why: String) -> WebSocketClient? {
            var why = why
            while attempts < ChatCommand.reconnectDelays.count {
                let delay = ChatCommand.reconnectDelays[attempts]
                attempts += 1
                printError(why + "reconnecting in \(Int(delay)) s (attempt \(attempts) of \(ChatCommand.reconnectDelays.count))")
                why = ""
                let deadline = MonotonicClock.seconds() + delay
                while !endOfInput, MonotonicClock.seconds() < deadline { readInput(waitingUpTo: deadline - MonotonicClock.seconds()) }
                if endOfInput, MonotonicClock.seconds() < deadline { waitOut(deadline) }
                do {
                    return try WebSocketClient(url: url)
                } catch {
                    printError(ClientCommands.describe(error, url: url))
                }
            }
            printError(why + "gave up after \(attempts) reconnect attempts")
            return nil
        }

        /// Talks on one connection until it ends or input ended and the replies stopped.
        private mutating func converse(_ client: WebSocketClient) -> Ending {
            var quietSince = MonotonicClock.seconds()
            while true {
                do {
                    try sendQueued(on: client)
                    if endOfInput {
                        if MonotonicClock.seconds() - quietSince >= wait {
                            let code = try client.close(code: 1000, timeout: 2)
                            return .normal(code: code ?? 1000)
                        }
                    } else {
                        readInput(waitingUpTo: 0)
                        if endOfInput { quietSince = MonotonicClock.seconds() }
                    }
                    let timeout = endOfInput ? min(ChatCommand.slice, max(0, wait - (MonotonicClock.seconds() - quietSince))) : ChatCommand.slice
                    if let event = try client.receive(timeout: timeout) {
                        show(event)
                        quietSince = MonotonicClock.seconds()
                    }
                } catch .closed(let code, let reason) {
                    return .afterClose(code: code, reason: reason)
                } catch .connectionLost {
                    return .lost(code: nil)
                } catch {
                    printError("\(error)")
                    return .final(code: nil, reason: "")
                }
            }
        }

        /// Sends the queued lines in order; those sent leave the queue even when a send fails.
        private mutating func sendQueued(on client: WebSocketClient) throws(WebSocketClientError) {
            var sent = 0
            defer { queued.removeFirst(sent) }
            for line in queued {
                try client.send(text: line)
                sent += 1
            }
        }

        /// Standard input has ended: nothing more to read while waiting to reconnect.
        private func waitOut(_ deadline: Double) {
            while MonotonicClock.seconds() < deadline { _ = poll(nil, 0, Int32(max(1, (deadline - MonotonicClock.seconds()) * 1000))) }
        }

        private func show(_ event: WebSocketFrameEvent) {
            switch event {
            case .text(let text):
                if pretty, let json = try? JSON.parse(text), json.object != nil || json.array != nil {
                    printLine(PrettyJSON.format(json))
                } else {
                    printLine(text)
                }
            case .binary(let bytes): printLine("<binary message, \(bytes.count) bytes>")
            case .ping, .pong, .close: break
            }
        }

        /// Takes the complete lines standard input has, waiting at most `seconds` for some.
        private mutating func readInput(waitingUpTo seconds: Double) {
            guard !endOfInput else { return }
            var entry = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32(seconds * 1000)) > 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { return }
            let lines = n > 0 ? input.append(buffer[..<n]) : input.finish()
            if n <= 0 { endOfInput = true }
            for line in lines { take(line) }
        }

        private mutating func take(_ line: LineSplitter.Line) {
            switch line {
            case .text(let text):
                guard !text.isEmpty else { return }
                guard connected || queued.count < ChatCommand.maxQueuedLines else {
                    printError("not connected: \(ChatCommand.maxQueuedLines) lines are waiting already; this one was dropped")
                    return
                }
                queued.append(text)
            case .invalidUTF8(let number): printError("line \(number) is not valid UTF-8; not sent")
            case .tooLong(let number): printError("line \(number) is longer than \(input.maxLineBytes) bytes; not sent")
            }
        }
    }

}
