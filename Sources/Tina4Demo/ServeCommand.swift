import Dispatch
import Glibc
import Tina4

/// `tina4 serve`: loads `.env`, registers the demos, binds, prints the banner, runs until Ctrl+C.
@MainActor
enum ServeCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: ["host", "port"]) else { return 2 }
        guard positional.isEmpty else {
            printError("unexpected argument '\(positional[0])'")
            return 2
        }
        var configuration: ServerConfiguration
        do {
            try Environment.loadDotEnv()
            configuration = try ServerConfiguration.fromEnvironment(Environment.current)
        } catch {
            printError("\(error)")
            return 1
        }
        if let host = options["host"] { configuration.host = host }
        if let portText = options["port"] {
            guard let port = Int(portText), (0...65535).contains(port) else {
                printError("--port must be a whole number from 0 to 65535, not '\(portText)'")
                return 2
            }
            configuration.port = port
        }
        if let level = Environment.current["TINA4_LOG_LEVEL"] {
            switch level.lowercased() {
            case "debug": Log.shared.minimum = .debug
            case "info": Log.shared.minimum = .info
            case "warn", "warning": Log.shared.minimum = .warn
            case "error": Log.shared.minimum = .error
            default:
                printError("TINA4_LOG_LEVEL=\(level) is not valid: expected debug, info, warn or error")
                return 1
            }
        }

        Demos.registerAll()
        let server = Server(configuration: configuration)
        Demos.configureAssets(for: server, configuration: configuration)
        do {
            try server.start()
        } catch {
            if error.isAddressInUse {
                printError("port \(configuration.port) on \(configuration.host) is already in use. Stop the other server or pass --port.")
            } else {
                printError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
            }
            return 1
        }
        let shown = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        var banner = """
              Tina4 Swift v\(Tina4.version)
              HTTP server running at http://\(shown):\(server.port)
              WebSocket server running at ws://\(shown):\(server.port)
              Press Ctrl+C to stop

            """
        banner.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }  // unbuffered: scripts wait for it

        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                MainActor.assumeIsolated {
                    server.log.info("[server] shutting down")
                    server.stop()
                }
            }
            source.resume()
            return source
        }
        server.runForever()
        signals.forEach { $0.cancel() }
        return 0
    }
}
