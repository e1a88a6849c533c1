import Tina4

extension Demos {
    /// The pages: `/` lists every demo, `/chat/{room}` is the chapter's live chat page (§11) and
    /// `/room/{room_name}` the exercise's page (§12). Both extend `base.html`. `/chat` and `/room`
    /// (a trailing slash never matters to the router) redirect to the default room, keeping the
    /// query: `/chat?name=Ann` → `/chat/general?name=Ann`.
    static func registerPages() {
        Router.get("/") { request, response in
            response.render("index.html", ["address": servedAddress(request)])
        }
        Router.get("/chat") { request, response in
            response.redirect(to: "/chat/general" + query(of: request))
        }
        Router.get("/chat/{room}") { request, response in
            response.render("chat.html", ["room": request.params["room"] ?? "general"])
        }
        Router.get("/room") { request, response in
            response.redirect(to: "/room/test" + query(of: request))
        }
        Router.get("/room/{room_name}") { request, response in
            response.render("room.html", ["room": request.params["room_name"] ?? "test"])
        }
    }

    /// `host:port` the reader reached this server at (the `Host` header), for the copy-paste
    /// commands on the index page; `localhost:<port>` from ``listeningPort`` when the request has
    /// no usable `Host` (HTTP/1.0, or characters a host name cannot have).
    static func servedAddress(_ request: Request) -> String {
        if let host = request.headers["Host"], !host.isEmpty, host.utf8.count <= 255,
           host.utf8.allSatisfy({ isHostByte($0) }) {
            return host
        }
        return "localhost:\(listeningPort)"
    }

    /// The port `tina4 serve` listens on (set once it is bound).
    static var listeningPort = 7149

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    /// `?…` of the request target, or "".
    private static func query(of request: Request) -> String {
        guard let mark = request.target.firstIndex(of: "?") else { return "" }
        return String(request.target[mark...])
    }
}
