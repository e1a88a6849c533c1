import Glibc
import Tina4

extension CommandLine {
    static var usage: String {
        """
        Tina4 Swift v\(Tina4.version): HTTP + WebSocket on one port, with the demos of the chapter.

        Usage:
          tina4 serve [--host HOST] [--port PORT]     start the server (default 0.0.0.0:7149)
                [--workers N]                         N processes sharing the port (needs the backplane)
          tina4 listen URL                            print every message a WebSocket receives
          tina4 send URL MESSAGE... [--wait SECONDS]  send the messages in order on one connection,
                                                      print the replies until none came for SECONDS (1)
          tina4 chat URL [--json] [--wait SECONDS]    each line typed (or piped in) is a message; what
                                                      arrives is printed (--json: pretty); Ctrl+D closes
          tina4 stats URL [--plain]                   the live dashboard in a terminal (URL: ws://HOST:PORT);
                                                      --plain or not a terminal: one line a second
          tina4 help | version

        Settings (environment variables; a .env file in the working directory is read, real variables win):

        """ + Settings.table
    }

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
        case "chat": return ChatCommand.run(rest)
        case "stats": return StatsCommand.run(rest)
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

/// Reads `--name value` options and `--flag`s (recorded with the value ""); returns nil (after
/// printing why) on an unknown or incomplete one.
func parseOptions(_ arguments: [String], allowed: Set<String>, flags: Set<String> = []) -> (options: [String: String], positional: [String])? {
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
            if flags.contains(name), value == nil {
                options[name] = ""
                index += 1
                continue
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
