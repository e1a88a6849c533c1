import Testing
@testable import Tina4

/// `.env` text over the process environment, and the settings read from the result.
@Suite struct EnvironmentTests {
    @Test func dotEnvAddsWhatTheProcessDoesNotSetAndRealVariablesWin() throws {
        let text = """
            # settings for development
            export TINA4_PORT=8080
            TINA4_HOST = 127.0.0.1
            TINA4_SECRET='single $quoted # kept'
            GREETING="line\\none\\t\\"q\\""
            NOTE=plain value # a comment
            EMPTY=
            """
        let resolved = try Environment.resolve(process: ["TINA4_PORT": "9000", "PATH": "/bin"], dotEnv: text)
        #expect(resolved == [
            "TINA4_PORT": "9000", "PATH": "/bin", "TINA4_HOST": "127.0.0.1",
            "TINA4_SECRET": "single $quoted # kept", "GREETING": "line\none\t\"q\"", "NOTE": "plain value", "EMPTY": "",
        ])
    }

    @Test func aBadDotEnvLineIsOneLineNamingFileAndLine() {
        #expect(throws: Environment.SyntaxError(path: ".env", line: 2, message: "expected KEY=value")) {
            try Environment.resolve(process: [:], dotEnv: "A=1\nnot a setting\n")
        }
        #expect(throws: Environment.SyntaxError(path: "x/.env", line: 1, message: "unterminated double quote")) {
            try Environment.resolve(process: [:], dotEnv: "A=\"open", path: "x/.env")
        }
        let error = Environment.SyntaxError(path: ".env", line: 3, message: "invalid variable name 'A-B'")
        #expect(error.description == ".env:3: invalid variable name 'A-B'")
    }

    @Test func portAndHostComeFromTina4VariablesThenPlainOnes() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:])
        #expect(defaults.port == 7149 && defaults.host == "0.0.0.0")
        let plain = try ServerConfiguration.fromEnvironment(["PORT": "8000", "HOST": "::"])
        #expect(plain.port == 8000 && plain.host == "::")
        let both = try ServerConfiguration.fromEnvironment(["PORT": "8000", "TINA4_PORT": "9000", "HOST": "::", "TINA4_HOST": "127.0.0.1"])
        #expect(both.port == 9000 && both.host == "127.0.0.1")
        let emptyTina4 = try ServerConfiguration.fromEnvironment(["TINA4_PORT": "", "PORT": "8000", "TINA4_HOST": "", "HOST": "h"])
        #expect(emptyTina4.port == 8000 && emptyTina4.host == "h")
    }

    @Test func sizeLimitsParse() throws {
        let configuration = try ServerConfiguration.fromEnvironment(["TINA4_WS_MAX_MESSAGE": "65536", "TINA4_MAX_BODY": "1024"])
        #expect(configuration.maxMessageBytes == 65536)
        #expect(configuration.maxBodyBytes == 1024)
    }

    @Test func webSocketLimitsParse() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:])
        #expect(defaults.pingIntervalMilliseconds == 30_000 && defaults.maxWebSocketOutputBytes == 16 << 20)
        #expect(defaults.webSocketRateLimit == nil)
        let set = try ServerConfiguration.fromEnvironment(["TINA4_WS_PING_INTERVAL": "5", "TINA4_WS_MAX_BUFFER": "33554432",
                                                           "TINA4_WS_RATE_LIMIT": "100/60"])
        #expect(set.pingIntervalMilliseconds == 5_000 && set.maxWebSocketOutputBytes == 32 << 20)
        #expect(set.webSocketRateLimit == WebSocketRateLimit(count: 100, seconds: 60))
        #expect(set.maxOutputBytes == 16 << 20, "HTTP keeps its own cap")
        let off = try ServerConfiguration.fromEnvironment(["TINA4_WS_PING_INTERVAL": "0", "TINA4_WS_RATE_LIMIT": "off"])
        #expect(off.pingIntervalMilliseconds == 0 && off.webSocketRateLimit == nil)
    }

    @Test func allowedOriginsParse() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).allowedOrigins == nil)
        #expect(try ServerConfiguration.fromEnvironment(["TINA4_WS_ALLOWED_ORIGINS": ""]).allowedOrigins == nil)
        let configuration = try ServerConfiguration.fromEnvironment(["TINA4_WS_ALLOWED_ORIGINS": "https://example.com:443, same-origin"])
        #expect(configuration.allowedOrigins == WebSocketOriginPolicy(origins: [WebSocketOrigin(parsing: "https://example.com")!],
                                                                      allowsSameOrigin: true))
    }

    @Test("a bad value is a one-line error naming it", arguments: [
        ("TINA4_WS_ALLOWED_ORIGINS", "https://example.com/, *",
         #"TINA4_WS_ALLOWED_ORIGINS=https://example.com/, * is not valid: expected origins such as https://example.com or http://localhost:7149, or same-origin, comma-separated ("https://example.com/" is neither)"#),
        ("TINA4_PORT", "abc", "TINA4_PORT=abc is not valid: expected a whole number from 0 to 65535"),
        ("PORT", "70000", "PORT=70000 is not valid: expected a whole number from 0 to 65535"),
        ("TINA4_PORT", "80\n81", "TINA4_PORT=80\\n81 is not valid: expected a whole number from 0 to 65535"),
        ("TINA4_WS_MAX_MESSAGE", "100", "TINA4_WS_MAX_MESSAGE=100 is not valid: expected a whole number from 125 to 1073741824"),
        ("TINA4_MAX_BODY", "1MB", "TINA4_MAX_BODY=1MB is not valid: expected a whole number from 0 to 1073741824"),
        ("TINA4_WS_PING_INTERVAL", "-1", "TINA4_WS_PING_INTERVAL=-1 is not valid: expected a whole number from 0 to 86400"),
        ("TINA4_WS_PING_INTERVAL", "1.5", "TINA4_WS_PING_INTERVAL=1.5 is not valid: expected a whole number from 0 to 86400"),
        ("TINA4_WS_MAX_BUFFER", "16M", "TINA4_WS_MAX_BUFFER=16M is not valid: expected a whole number from 1024 to 17179869184"),
        ("TINA4_WS_RATE_LIMIT", "100", "TINA4_WS_RATE_LIMIT=100 is not valid: expected COUNT/SECONDS (e.g. 100/60: 1 to 86400 seconds, at most 1000 messages a second) or off"),
        ("TINA4_WS_RATE_LIMIT", "0/60", "TINA4_WS_RATE_LIMIT=0/60 is not valid: expected COUNT/SECONDS (e.g. 100/60: 1 to 86400 seconds, at most 1000 messages a second) or off"),
    ])
    func badValues(_ name: String, _ value: String, _ message: String) {
        do {
            _ = try ServerConfiguration.fromEnvironment([name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }
}
