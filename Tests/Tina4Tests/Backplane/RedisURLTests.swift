import Testing
@testable import Tina4

@Suite struct RedisURLTests {
    @Test func everyPartOfTheURL() throws {
        #expect(try RedisURL(parsing: "redis://app:s3cret@10.0.0.5:6380/2")
            == RedisURL(host: "10.0.0.5", port: 6380, username: "app", password: "s3cret", database: 2))
        #expect(try RedisURL(parsing: "redis://localhost:6379") == RedisURL())
        #expect(try RedisURL(parsing: "redis://cache") == RedisURL(host: "cache"))
        #expect(try RedisURL(parsing: "redis://:pw@cache/3") == RedisURL(host: "cache", password: "pw", database: 3))
        #expect(try RedisURL(parsing: "redis://pw@cache") == RedisURL(host: "cache", password: "pw"))
        #expect(try RedisURL(parsing: "redis://u%40x:p%3Aw%40@[::1]:7000/") == RedisURL(host: "::1", port: 7000, username: "u@x", password: "p:w@"))
    }

    @Test(arguments: [
        ("http://localhost", "expected redis://[user:pass@]host:port/db"),
        ("rediss://localhost", "TLS (rediss://) is not supported; use redis:// on a trusted network"),
        ("redis://", "the host is missing"),
        ("redis://host:0", "the port must be a whole number from 1 to 65535, not '0'"),
        ("redis://host:abc", "the port must be a whole number from 1 to 65535, not 'abc'"),
        ("redis://host/db1", "the database must be a whole number (redis://host:6379/2), not 'db1'"),
        ("redis://[::1", "unclosed '[' in the host"),
        ("redis://ho st", "the host 'ho st' has characters a host name cannot have"),
        ("redis://host?db=1", "unexpected '?' part; the database goes in the path: redis://host:6379/2"),
    ])
    func unusableURLsSayWhy(text: String, reason: String) {
        #expect(throws: RedisURL.Invalid(url: text, reason: reason)) { try RedisURL(parsing: text) }
    }

    @Test func logLinesNeverShowThePassword() throws {
        let url = try RedisURL(parsing: "redis://app:s3cret@cache:6380/2")
        #expect(url.description == "redis://app:***@cache:6380/2")
        #expect(RedisURL.Invalid(url: "redis://a:s3cret@host:x", reason: "r").description == "redis://***@host:x is not a usable Redis URL: r")
    }

    @Test func backplaneSettingsFromTheEnvironment() throws {
        #expect(try BackplaneConfiguration.fromEnvironment([:]) == nil)
        #expect(try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": ""]) == nil)
        let on = try #require(try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "redis"]))
        #expect(on.url == RedisURL() && on.queueLimit == 10_000 && on.queueByteLimit == 16 << 20 && on.channel == "tina4:ws")
        let custom = try #require(try BackplaneConfiguration.fromEnvironment([
            "TINA4_WS_BACKPLANE": "redis", "TINA4_WS_BACKPLANE_URL": "redis://r:6390/1", "TINA4_WS_BACKPLANE_QUEUE": "50",
        ]))
        #expect(custom.url == RedisURL(host: "r", port: 6390, database: 1) && custom.queueLimit == 50)
        #expect(throws: ServerConfiguration.Invalid.self) { try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "kafka"]) }
        do throws(ServerConfiguration.Invalid) {
            _ = try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "kafka"])
        } catch {
            #expect(error.description == "TINA4_WS_BACKPLANE=kafka is not valid: expected redis (or unset/empty for local-only broadcast)")
        }
        do throws(ServerConfiguration.Invalid) {
            _ = try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "redis", "TINA4_WS_BACKPLANE_URL": "redis://u:pw@h:99999"])
            Issue.record("accepted a bad port")
        } catch {
            #expect(error.description == "TINA4_WS_BACKPLANE_URL=redis://***@h:99999 is not valid: expected redis://[user:pass@]host:port/db (the port must be a whole number from 1 to 65535, not '99999')")
        }
        #expect(throws: ServerConfiguration.Invalid.self) {
            try BackplaneConfiguration.fromEnvironment(["TINA4_WS_BACKPLANE": "redis", "TINA4_WS_BACKPLANE_QUEUE": "lots"])
        }
    }
}
