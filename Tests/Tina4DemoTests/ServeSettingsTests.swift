import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo

/// Where `tina4 serve` takes its settings from: options, then the environment (with `.env`), then defaults.
@Suite struct ServeSettingsTests {
    typealias Failure = ServeCommand.Failure

    @Test func optionsBeatTheEnvironmentWhichBeatsTheDefaults() throws {
        let defaults = try ServeCommand.settings(options: [:], environment: [:])
        #expect(defaults.configuration.host == "0.0.0.0" && defaults.configuration.port == 7149)
        #expect(defaults.logLevel == .info)
        let environment = ["TINA4_HOST": "127.0.0.1", "HOST": "::", "TINA4_PORT": "9000", "PORT": "8000",
                           "TINA4_WS_MAX_MESSAGE": "4096", "TINA4_MAX_BODY": "2048", "TINA4_LOG_LEVEL": "WARN"]
        let fromEnvironment = try ServeCommand.settings(options: [:], environment: environment)
        #expect(fromEnvironment.configuration.host == "127.0.0.1" && fromEnvironment.configuration.port == 9000)
        #expect(fromEnvironment.configuration.maxMessageBytes == 4096 && fromEnvironment.configuration.maxBodyBytes == 2048)
        #expect(fromEnvironment.logLevel == .warn)
        let fromOptions = try ServeCommand.settings(options: ["host": "::1", "port": "7000"], environment: environment)
        #expect(fromOptions.configuration.host == "::1" && fromOptions.configuration.port == 7000)
    }

    @Test func badSettingsAreOneLineWithTheirExitCode() {
        #expect(throws: Failure(message: "--port must be a whole number from 0 to 65535, not 'x'", exitCode: 2)) {
            try ServeCommand.settings(options: ["port": "x"], environment: [:])
        }
        #expect(throws: Failure(message: "PORT=-1 is not valid: expected a whole number from 0 to 65535", exitCode: 1)) {
            try ServeCommand.settings(options: [:], environment: ["PORT": "-1"])
        }
        #expect(throws: Failure(message: "TINA4_LOG_LEVEL=loud is not valid: expected debug, info, warn or error", exitCode: 1)) {
            try ServeCommand.settings(options: [:], environment: ["TINA4_LOG_LEVEL": "loud"])
        }
    }

    /// `tina4 serve` in a directory whose `.env` asks for port 0 (any free port) on every
    /// interface, while the real environment says 127.0.0.1: the banner shows both decisions.
    @Test func serveReadsDotEnvLetsRealVariablesWinAndPrintsTheBanner() async throws {
        let serve = try await offMain {
            try Subprocess(["serve"], files: [".env": "TINA4_PORT=0\nTINA4_HOST=0.0.0.0\n"], environment: ["TINA4_HOST=127.0.0.1"])
        }
        let ready = try await offMain { serve.line { $0.hasPrefix("  Press Ctrl+C") } }
        #expect(ready == "  Press Ctrl+C to stop")
        let lines = String(decoding: serve.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let prefix = "  HTTP server running at http://127.0.0.1:"
        let port = lines.count > 1 && lines[1].hasPrefix(prefix) ? Int(lines[1].dropFirst(prefix.count)) ?? 0 : 0
        #expect(lines.prefix(4) == [
            "  Tina4 Swift v0.1.0",
            "  HTTP server running at http://127.0.0.1:\(port)",
            "  WebSocket server running at ws://127.0.0.1:\(port)",
            "  Press Ctrl+C to stop",
        ])
        #expect(port > 0 && port != 7149, "port 0 from .env picked a free port")

        let reply = try await request(DemoServer(port: port), "GET", "/")
        #expect(reply.status == 200, "the server it announced answers")

        let exit = try await offMain { () -> Int32? in
            kill(serve.pid, SIGTERM)   // the child this test started, by its pid
            return serve.waitForExit()
        }
        #expect(exit == 0)
    }

    @Test func aBadValueInDotEnvIsOneLineAndExitStatus1() async throws {
        let (errors, exit) = try await offMain { () -> (String?, Int32?) in
            let serve = try Subprocess(["serve"], files: [".env": "TINA4_PORT=seventy\n"])
            let errors = serve.readErrorsToEnd()
            return (errors, errors == nil ? nil : serve.waitForExit())
        }
        #expect(errors == "tina4: TINA4_PORT=seventy is not valid: expected a whole number from 0 to 65535\n")
        #expect(exit == 1)
    }

    /// A `TINA4_SECRET` shorter than 32 bytes stops `tina4 serve` before it listens: one line
    /// naming the variable, exit status 1. A bad `TINA4_WS_ALLOWED_ORIGINS` likewise.
    @Test(arguments: [
        ("TINA4_SECRET=changeme", "tina4: TINA4_SECRET is 8 bytes long: use at least 32 random bytes (e.g. `openssl rand -hex 32`)\n"),
        ("TINA4_WS_ALLOWED_ORIGINS=*", #"tina4: TINA4_WS_ALLOWED_ORIGINS=* is not valid: expected origins such as https://example.com or http://localhost:7149, or same-origin, comma-separated ("*" is neither)"# + "\n"),
    ])
    func aShortSecretOrABadOriginListStopsServe(_ variable: String, _ message: String) async throws {
        let (errors, exit) = try await offMain { () -> (String?, Int32?) in
            let serve = try Subprocess(["serve", "--port", "0"], environment: [variable])
            let errors = serve.readErrorsToEnd()
            return (errors, errors == nil ? nil : serve.waitForExit())
        }
        #expect(errors == message)
        #expect(exit == 1)
    }
}
