import Testing
@testable import Tina4
import Tina4TestSupport

/// A CR, LF or NUL that reaches a response header (from a query value, say) is refused with a
/// logged 500; it never splits the response (issue 10).
@Suite(.serialized) struct ResponseHeaderInjectionTests {
    @MainActor static func start(log: Log) throws -> TestServer {
        try TestServer(log: log) { routes, _ in
            routes.get("/go") { request, response in response.redirect(to: request.query["next"] ?? "/") }
            routes.get("/tag") { request, response in response.header("X-Tag", request.query["tag"] ?? "").text("tagged") }
            routes.get("/named") { request, response in response.header(request.query["name"] ?? "", "1").text("named") }
            routes.get("/ok") { _, response in response.text("fine") }
        }
    }

    @Test(arguments: [
        ("/go?next=/home%0d%0aSet-Cookie:%20session=stolen", "Location", "CR"),
        ("/go?next=/home%0aSet-Cookie:%20session=stolen", "Location", "LF"),
        ("/tag?tag=a%00b", "X-Tag", "NUL"),
        ("/tag?tag=x%0d%0a%0d%0aHTTP/1.1%20200%20OK", "X-Tag", "CR"),
    ])
    func aControlByteInAHeaderValueIsA500(target: String, header: String, byte: String) async throws {
        let lines = LogLines()
        let server = try await MainActor.run { try Self.start(log: lines.log(minimum: .error)) }
        defer { server.stopNow() }
        let port = await server.port
        let raw = try await offMain { () -> String in
            let connection = try RawConnection(port: port)
            try connection.send("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
            return String(decoding: connection.read { HTTPTestResponse.parseAll($0).count >= 2 }, as: UTF8.self)
        }
        let responses = HTTPTestResponse.parseAll(Array(raw.utf8))
        #expect(responses.map(\.status) == [500, 200], "\(raw)")
        #expect(!raw.contains("session=stolen") && !raw.contains("\(header):"), "nothing of the header is written: \(raw)")
        #expect(raw.components(separatedBy: "HTTP/1.1 ").count == 3, "exactly two responses")
        #expect(lines.all.contains { $0.contains("[http] GET ") && $0.contains("response refused") && $0.contains(byte) },
                "\(lines.all)")
    }

    @Test func aHeaderNameThatIsNotATokenIsA500() async throws {
        let lines = LogLines()
        let server = try await MainActor.run { try Self.start(log: lines.log(minimum: .error)) }
        defer { server.stopNow() }
        let port = await server.port
        let responses = try await offMain {
            let connection = try RawConnection(port: port)
            try connection.send("GET /named?name=X-A:%20b HTTP/1.1\r\nHost: x\r\n\r\nGET /named?name=X-Fine HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readResponses(2)
        }
        #expect(responses.map(\.status) == [500, 200])
        #expect(responses.last?.header("X-Fine") == "1")
        #expect(lines.all.contains { $0.contains("is not a token") })
    }

    @Test func theCheckNamesTheFirstBadField() {
        #expect(Response().redirect(to: "/a\r\nb").unsafeHeaderProblem == "header Location: the value holds a CR")
        #expect(Response().header("X", "a\0").unsafeHeaderProblem == "header X: the value holds a NUL")
        #expect(Response().header("a b", "1").unsafeHeaderProblem == #"header name "a b" is not a token"#)
        #expect(Response().header("", "1").unsafeHeaderProblem == #"header name "" is not a token"#)
        #expect(Response().header("X-Ok", "tab\tand é are fine").unsafeHeaderProblem == nil)
        // Serialization never writes a bad field, even when nobody checked first.
        let head = String(decoding: Response().header("X", "a\r\nInjected: 1").serializedHead(persistence: .persistent, date: "d"), as: UTF8.self)
        #expect(!head.contains("Injected"))
    }
}
