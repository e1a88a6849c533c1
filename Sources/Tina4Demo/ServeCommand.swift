import Dispatch
import Glibc
import Tina4

/// `tina4 serve`: loads `.env`, registers the demos, raises the open-file limit, binds, prints
/// the banner, runs until SIGINT or SIGTERM, then shuts down gracefully (``Server/shutDown(then:)``)
/// and exits 0. A second SIGINT during the grace closes every connection at once.
@MainActor
enum ServeCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: ["host", "port", "workers"]) else { return 2 }
        guard positional.isEmpty else {
            printError("unexpected argument '\(positional[0])'")
            return 2
        }
        let configuration: ServerConfiguration
        let backplaneSettings: BackplaneConfiguration?
        do {
            let environment = try Environment.loadDotEnv()
            let settings = try settings(options: options, environment: environment)
            configuration = settings.configuration
            Log.shared.minimum = settings.logLevel
            backplaneSettings = try backplane(environment: environment)
            Demos.tokenSigner = try Demos.makeTokenSigner(environment: environment)
        } catch let short as Demos.ShortSecret {
            printError(short.description)
            return 1
        } catch let failure as Failure {
            printError(failure.message)
            return failure.exitCode
        } catch {
            printError("\(error)")   // a .env syntax error: path:line: reason
            return 1
        }

        if let workers = options["workers"] {
            guard let count = Int(workers), (1...256).contains(count) else {
                printError("--workers must be a whole number from 1 to 256, not '\(workers)'")
                return 2
            }
            guard backplaneSettings != nil else {
                printError(WorkerSupervisor.refusal)
                return 2
            }
            return WorkerSupervisor.run(count: count, host: configuration.host, port: configuration.port,
                                        graceMilliseconds: configuration.shutdownGraceMilliseconds, log: Log.shared)
        }

        let openFileLimit = OpenFileLimit.raiseToHardLimit()
        Demos.registerAll()
        let server = Server(configuration: configuration)
        server.reusePort = Environment.current[WorkerSupervisor.workerVariable] != nil   // a worker of --workers
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
        Demos.listeningPort = server.port
        let backplane = backplaneSettings.map { RedisBackplane(configuration: $0, hub: server.hub) }
        backplane?.start()   // Redis being down is logged, not fatal: local clients are served
        // Handled before the banner: whoever waits for it may signal at once. Blocked on this
        // thread so that each signal stays pending until the dispatch source reads it (a signal
        // this thread let through would be discarded as ignored, and a second Ctrl+C lost).
        var handled = sigset_t()
        sigemptyset(&handled)
        for number in [SIGINT, SIGTERM] { sigaddset(&handled, number) }
        pthread_sigmask(SIG_BLOCK, &handled, nil)
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                MainActor.assumeIsolated {
                    if server.isShuttingDown {
                        // A second Ctrl+C means now; a SIGTERM (a supervisor passing on the
                        // same Ctrl+C) does not hurry the shutdown.
                        guard number == SIGINT else { return }
                        server.log.info("[server] interrupted again: closing \(server.openConnectionCount) connections now")
                        server.stop()
                        return
                    }
                    server.log.info("[server] shutting down: closing \(server.openConnectionCount) connections (at most \(configuration.shutdownGraceMilliseconds) ms)")
                    server.shutDown { backplane?.stop() }   // the backplane after the WebSockets
                }
            }
            source.resume()
            return source
        }
        let shown = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        var banner = """
              Tina4 Swift v\(Tina4.version)
              HTTP server running at http://\(shown):\(server.port)
              WebSocket server running at ws://\(shown):\(server.port)
              Press Ctrl+C to stop

            """
        if let warning = OpenFileLimit.warning(limit: openFileLimit, maxConnections: configuration.maxConnections) {
            banner += warning + "\n"
        }
        banner.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }  // unbuffered: scripts wait for it

        server.runForever()
        signals.forEach { $0.cancel() }
        return 0
    }

    /// The Redis backplane settings (`TINA4_WS_BACKPLANE`, `_URL`, `_QUEUE`), nil when it is off.
    nonisolated static func backplane(environment: [String: String]) throws(Failure) -> BackplaneConfiguration? {
        do {
            return try BackplaneConfiguration.fromEnvironment(environment)
        } catch {
            throw Failure(message: error.description, exitCode: 1)
        }
    }

    /// A setting that cannot be used: one line for standard error and the exit code (2 for a bad
    /// command line, 1 for a bad environment).
    struct Failure: Error, Equatable {
        var message: String
        var exitCode: Int32
    }

    /// The server configuration and log level from `--host`/`--port` options, then the
    /// environment (`TINA4_HOST`, then `HOST`; `TINA4_PORT`, then `PORT`; `TINA4_WS_MAX_MESSAGE`,
    /// `TINA4_MAX_BODY`, `TINA4_LOG_LEVEL`), then the defaults. Pure, for tests.
    ///
    /// ```swift
    /// try ServeCommand.settings(options: ["port": "8080"], environment: ["TINA4_PORT": "9000"]).configuration.port   // 8080
    /// ```
    nonisolated static func settings(options: [String: String], environment: [String: String]) throws(Failure)
        -> (configuration: ServerConfiguration, logLevel: Log.Level)
    {
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment(environment)
        } catch {
            throw Failure(message: error.description, exitCode: 1)
        }
        configuration.metricsPaths = Demos.dashboardPaths
        if let host = options["host"] { configuration.host = host }
        if let portText = options["port"] {
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw Failure(message: "--port must be a whole number from 0 to 65535, not '\(portText)'", exitCode: 2)
            }
            configuration.port = port
        }
        var logLevel = Log.Level.info
        if let level = environment["TINA4_LOG_LEVEL"], !level.isEmpty {
            switch level.lowercased() {
            case "debug": logLevel = .debug
            case "info": logLevel = .info
            case "warn", "warning": logLevel = .warn
            case "error": logLevel = .error
            default:
                throw Failure(message: "TINA4_LOG_LEVEL=\(level) is not valid: expected debug, info, warn or error", exitCode: 1)
            }
        }
        return (configuration, logLevel)
    }
}
