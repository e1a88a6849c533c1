import Tina4

extension Demos {
    /// The pages: `/` lists every demo, `/chat/{room}` is the chapter's live chat page (§11) and
    /// `/room/{room_name}` the exercise's page (§12). Both extend `base.html`.
    static func registerPages() {
        Router.get("/") { _, response in
            response.render("index.html")
        }
        Router.get("/chat/{room}") { request, response in
            response.render("chat.html", ["room": request.params["room"] ?? "general"])
        }
        Router.get("/room/{room_name}") { request, response in
            response.render("room.html", ["room": request.params["room_name"] ?? "test"])
        }
    }
}
