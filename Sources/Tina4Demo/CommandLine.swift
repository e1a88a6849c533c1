import Glibc
import Tina4

extension CommandLine {
    static let usage = """
        Tina4 Swift v\(Tina4.version): HTTP + WebSocket on one port, with the demos of the chapter.

        Usage:
          tina4 serve [--host HOST] [--port PORT]   start the server (default 0.0.0.0:7149)
                [--workers N]                       N processes sharing the port (needs the backplane)
          tina4 listen URL                          print every message a WebSocket receives
          tina4 send URL MESSAGE [--wait SECONDS]   send one message, print replies for a while (default 1 s)
          tina4 help | version

        Environment (a .env file in the working directory is read; real variables win):
          TINA4_HOST / HOST, TINA4_PORT / PORT, TINA4_WS_MAX_MESSAGE (bytes, default 1048576),
          TINA4_MAX_BODY (bytes, default 8388608), TINA4_LOG_LEVEL (debug|info|warn|error),
          TINA4_WS_BACKPLANE=redis, TINA4_WS_BACKPLANE_URL (default redis://localhost:6379),
          TINA4_WS_BACKPLANE_QUEUE (envelopes kept while Redis is away, default 10000)

        """

    /// Runs a command and returns the process exit code.
    @MainActor
    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print(usage, terminator: "")
            return 0
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "serve": return ServeCommand.run(rest)
        case "listen": return ClientCommands.listen(rest)
        case "send": return ClientCommands.send(rest)
        case "help", "--help", "-h":
            print(usage, terminator: "")
            return 0
        case "version", "--version":
            print("Tina4 Swift v\(Tina4.version)")
            return 0
        default:
            printError("unknown command '\(command)'. Run 'tina4 help'.")
            return 2
        }
    }
}

/// One line on standard error.
func printError(_ message: String) {
    var line = "tina4: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Reads `--name value` options; returns nil (after printing why) on an unknown or incomplete one.
func parseOptions(_ arguments: [String], allowed: Set<String>) -> (options: [String: String], positional: [String])? {
    var options: [String: String] = [:]
    var positional: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument.hasPrefix("--") {
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard allowed.contains(name) else {
                printError("unknown option --\(name)")
                return nil
            }
            if value == nil {
                index += 1
                guard index < arguments.count else {
                    printError("--\(name) needs a value")
                    return nil
                }
                value = arguments[index]
            }
            options[name] = value
        } else {
            positional.append(argument)
        }
        index += 1
    }
    return (options, positional)
}
