import Testing
@testable import Tina4

/// `public/` served by a real server over a real socket: what a browser or curl sees.
@Suite struct StaticOverTheWireTests {
    /// A fresh site per test, removed when the test's suite instance goes away.
    let site = TempSite()

    /// Sends `raw` (one or more requests) to a server serving the site, reads `responses` answers.
    func exchange(_ raw: String, responses: Int = 1) async throws -> [HTTPTestResponse] {
        let root = site.root
        let server = try await MainActor.run {
            try TestServer(configure: { $0.publicDirectory = root }) { routes, _ in
                routes.get("/app.js") { _, response in response.text("from the route") }
            }
        }
        defer { server.stopNow() }
        let port = await server.port
        let result = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send(raw)
            return connection.readResponses(responses)
        }
        return result
    }

    /// Sends one request with `Connection: close` and returns every byte of the answer.
    func rawExchange(_ raw: String) async throws -> String {
        let root = site.root
        let server = try await MainActor.run { try TestServer(configure: { $0.publicDirectory = root }) { _, _ in } }
        defer { server.stopNow() }
        let port = await server.port
        let result = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send(raw)
            return connection.readToEnd()
        }
        return result
    }

    @Test func javascriptTypeAndHeadWithoutABody() async throws {
        site.write("js/site.js", "console.log('hi');\n")
        let get = try #require(try await exchange("GET /js/site.js HTTP/1.1\r\nHost: x\r\n\r\n").first)
        #expect(get.status == 200)
        #expect(get.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(get.body == "console.log('hi');\n")

        let head = try await rawExchange("HEAD /js/site.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let parts = head.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2 && parts[1].isEmpty, "HEAD has no body: \(head)")
        #expect(parts[0].hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(parts[0].contains("\r\nContent-Length: 19\r\n"))
        #expect(parts[0].contains("\r\nContent-Type: text/javascript; charset=utf-8\r\n"))
    }

    @Test func revalidationRangeAndUnsatisfiableRange() async throws {
        site.write("data.txt", "0123456789")
        let first = try #require(try await exchange("GET /data.txt HTTP/1.1\r\nHost: x\r\n\r\n").first)
        let etag = try #require(first.header("ETag"))
        #expect(first.header("Last-Modified") != nil)
        let answers = try await exchange(
            "GET /data.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \(etag)\r\n\r\n"
                + "GET /data.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\n\r\n"
                + "GET /data.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\n\r\n",
            responses: 3)
        #expect(answers.map(\.status) == [304, 206, 416])
        #expect(answers.first?.body == "" && answers.first?.header("ETag") == etag)
        #expect(answers.dropFirst().first?.body == "234")
        #expect(answers.dropFirst().first?.header("Content-Range") == "bytes 2-4/10")
        #expect(answers.last?.header("Content-Range") == "bytes */10")
    }

    @Test(arguments: ["/../Package.swift", "/%2e%2e/Package.swift", "/js/../../Package.swift", "/.env", "/..%2fPackage.swift"])
    func traversalInTheRequestLineIs404(target: String) async throws {
        site.write("Package.swift", "SECRET outside the root", outside: true)
        site.write(".env", "SECRET dotfile")
        site.write("js/app.js", "x")
        let answer = try #require(try await exchange("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n").first)
        #expect(answer.status == 404 || answer.status == 400, "\(target): \(answer.status)")
        #expect(!answer.body.contains("SECRET"))
    }

    @Test func rawDotDotRequestLineIs404() async throws {
        site.write("Package.swift", "SECRET outside the root", outside: true)
        let answer = try #require(try await exchange("GET /../Package.swift HTTP/1.1\r\nHost: x\r\n\r\n").first)
        #expect(answer.status == 404)
        #expect(!answer.body.contains("SECRET"))
    }

    @Test func directoryWithoutSlashRedirectsAndRoutesWin() async throws {
        site.write("docs/index.html", "<h1>docs</h1>")
        site.write("app.js", "from the file")
        let answers = try await exchange(
            "GET /docs HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET //docs HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /docs?v=2&q=a%20b HTTP/1.1\r\nHost: x\r\n\r\n",
            responses: 5)
        #expect(answers.map(\.status) == [301, 200, 404, 200, 301])
        #expect(answers.first?.header("Location") == "/docs/")
        #expect(answers.last?.header("Location") == "/docs/?v=2&q=a%20b")   // the query survives the redirect
        #expect(answers.dropFirst().first?.body == "<h1>docs</h1>")
        #expect(answers[3].body == "from the route")
    }
}
