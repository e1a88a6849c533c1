import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo
import Tina4TestSupport

extension DemoTests {
    /// The pages over HTTP: `/`, `/chat/{room}`, `/room/{room_name}`, and the built-in assets.
    @Suite struct Pages {
        @Test(arguments: [
            ("/", "<title>Tina4 Swift — Real-time with WebSocket</title>", "<h1>Real-time with WebSocket</h1>"),
            ("/chat/general", "<title>Chat - general</title>", "<h1>Chat Room: general</h1>"),
            ("/room/test", "<title>Room: test</title>", "<h1>Room: test</h1>"),
        ])
        func pageRendersItsTitleBlockAsHTML(path: String, title: String, heading: String) async throws {
            try await withDemoServer { server in
                let page = try await request(server, "GET", path)
                #expect(page.status == 200)
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.body.hasPrefix("<!DOCTYPE html>"), "extends base.html")
                #expect(page.body.contains(title))
                #expect(page.body.contains(heading))
                #expect(page.body.contains(#"<script src="/js/frond.js"></script>"#))
            }
        }

        @Test(arguments: [("/chat/", "Chat - ", "Chat Room: "), ("/room/", "Room: ", "Room: ")])
        func roomNameIsEscapedInHTMLAndAJSONLiteralInTheScript(page: String, title: String, heading: String) async throws {
            try await withDemoServer { server in
                let plain = try await request(server, "GET", page + "general")
                let hostile = try await request(server, "GET", page + "%3Cscript%3Ealert('x')%26%22")
                #expect(hostile.status == 200)
                let escaped = "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;"
                #expect(hostile.body.contains("<title>\(title)\(escaped)</title>"))
                #expect(hostile.body.contains("<h1>\(heading)\(escaped)</h1>"))
                #expect(hostile.body.contains(#"const room = "\u003cscript\u003ealert(\u0027x\u0027)\u0026\u0022";"#))
                // The name added no markup: as many script tags as with a harmless name.
                #expect(hostile.body.count(of: "<script") == plain.body.count(of: "<script"))
                #expect(!hostile.body.contains("<script>alert"))
            }
        }

        /// Every WebSocket route the demos register appears on the index page, so a new demo
        /// without an index entry fails here. The routes are read from the router itself: those
        /// that registering the demos added.
        @Test func indexListsEveryWebSocketRoute() async throws {
            try await withDemoServer { server in
                let routes = await MainActor.run { DemoRoutes.webSocketRoutes }
                #expect(routes.count >= 14, "found \(routes.sorted())")
                let index = try await request(server, "GET", "/").body
                for route in routes {
                    #expect(index.contains("<code>\(route)"), "the index page lists \(route)")
                }
            }
        }

        /// The copy-paste commands on the index page name the address the reader reached the
        /// server at (its `Host`), not a fixed 7149; without a usable `Host`, localhost and the
        /// port the server listens on.
        @Test func indexCommandsUseTheAddressBeingServed() async throws {
            try await withDemoServer { server in
                let host = "127.0.0.1:\(server.port)"
                let index = try await request(server, "GET", "/", headers: [("Host", host)]).body
                #expect(index.contains("curl -X POST http://\(host)/api/orders/1001/ship"))
                #expect(index.contains("tina4 listen ws://\(host)/ws/notifications/7"))
                #expect(index.contains("tina4 send ws://\(host)/PATH"))
                #expect(!index.contains("7149") || server.port == 7149)

                // No Host (HTTP/1.0), or one that is no host name: localhost and the listening port.
                let port = server.port
                await MainActor.run {
                    for headers in [HTTPHeaders(), HTTPHeaders([("Host", "ex<am>ple")]), HTTPHeaders([("Host", "")])] {
                        let request = Request(method: "GET", path: "/", target: "/", headers: headers)
                        #expect(Demos.servedAddress(request) == "localhost:\(port)")
                    }
                    #expect(Demos.servedAddress(Request(method: "GET", path: "/", target: "/", headers: ["Host": "[::1]:8080"])) == "[::1]:8080")
                }
            }
        }

        /// Routes win over files in `public/`, for `/` as for `/chat/{room}`.
        @Test func routesWinOverStaticFiles() async throws {
            let site = TempDirectory()
            site.write("index.html", "static index")
            site.write("chat/general", "static chat")
            site.write("chat/general.html", "static chat page")
            site.write("elsewhere.txt", "static file")
            try await withDemoServer(publicDirectory: site.path) { server in
                let home = try await request(server, "GET", "/")
                #expect(home.status == 200 && home.body.contains("<h1>Real-time with WebSocket</h1>"))
                let chat = try await request(server, "GET", "/chat/general")
                #expect(chat.status == 200 && chat.body.contains("<h1>Chat Room: general</h1>"))
                // The route matches any single segment, so even the .html file is shadowed.
                #expect(try await request(server, "GET", "/chat/general.html").body.contains("Chat Room: general.html"))
                // Paths no route answers still reach the files.
                #expect(try await request(server, "GET", "/elsewhere.txt").body == "static file")
            }
        }

        /// Built-in files (no `public/` on disk) carry `Last-Modified`: the executable's modification
        /// time, here the test binary's. It revalidates with `If-Modified-Since` as well as `ETag`.
        @Test func builtInFrondJSHasLastModifiedAndRevalidates() async throws {
            var info = stat()
            #expect(stat("/proc/self/exe", &info) == 0)
            let built = Int(info.st_mtim.tv_sec)
            try await withDemoServer(publicDirectory: "/nonexistent-public-\(getpid())") { server in
                let script = try await request(server, "GET", "/js/frond.js")
                #expect(script.status == 200)
                #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
                #expect(script.body == EmbeddedAssets.publicFiles["js/frond.js"])
                let lastModified = try #require(script.header("Last-Modified"))
                #expect(lastModified == HTTPDate.format(built))
                let etag = try #require(script.header("ETag"))

                let unchanged = try await request(server, "GET", "/js/frond.js", headers: [("If-Modified-Since", lastModified)])
                #expect(unchanged.status == 304)
                #expect(unchanged.body.isEmpty)
                #expect(unchanged.header("Last-Modified") == lastModified)
                let older = try await request(server, "GET", "/js/frond.js", headers: [("If-Modified-Since", HTTPDate.format(built - 1))])
                #expect(older.status == 200 && older.body.count == script.body.count)
                let tagged = try await request(server, "GET", "/js/frond.js", headers: [("If-None-Match", etag)])
                #expect(tagged.status == 304)
            }
        }

        /// A template with a syntax error answers 500 with an HTML page naming the file, line and
        /// column. (The matching log line is not asserted: this tree's Log has no capture hook.)
        @Test func templateSyntaxErrorIsAnHTMLPageNamingFileLineAndColumn() async throws {
            let templates = TempDirectory()
            templates.write("chat.html", "{% extends \"base.html\" %}\n{% block title %}Chat{% endblock %}\n{% block content %}\n  <p>{{ room|uper }}</p>\n{% endblock %}\n")
            let lines = LogLines()
            await MainActor.run { Log.shared.sink = lines.log().sink }   // render errors go to the application log
            defer { Task { @MainActor in Log.shared.sink = nil } }
            try await withDemoServer(templateDirectory: templates.path) { server in
                let page = try await request(server, "GET", "/chat/general")
                #expect(lines.all.contains { $0.contains("ERROR [frond] chat.html:4:14: unknown filter 'uper'") }, "\(lines.all)")
                #expect(page.status == 500)
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.body.contains("<title>Template error</title>"))
                #expect(page.body.contains("In <code>chat.html</code> at line 4, column 14:"))
                #expect(page.body.contains("<pre>unknown filter &#39;uper&#39;</pre>"))
                // The other pages, from the built-in templates, are unaffected.
                #expect(try await request(server, "GET", "/room/test").status == 200)
            }
        }
    }
}

extension String {
    /// How many times `needle` occurs, not overlapping.
    func count(of needle: String) -> Int {
        var count = 0
        var rest = Substring(self)
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
