import Testing
@testable import Tina4

/// `Router` and `RouteTable` register the same set of routes: every method, sync and async.
@MainActor @Suite struct RouteRegistrationTests {
    typealias Register = @MainActor (String, @escaping HTTPHandler) -> Void
    typealias RegisterAsync = @MainActor (String, @escaping AsyncHTTPHandler) -> Void

    static func kind(_ match: RouteTable.HTTPMatch) -> String {
        switch match {
        case .found(.sync, _): "sync"
        case .found(.async, _): "async"
        case .methodNotAllowed: "405"
        case .notFound: "404"
        }
    }

    static func registrations(_ table: RouteTable) -> [(String, Register, RegisterAsync)] {
        [("GET", table.get, table.get), ("POST", table.post, table.post), ("PUT", table.put, table.put),
         ("PATCH", table.patch, table.patch), ("DELETE", table.delete, table.delete)]
    }

    static let routerRegistrations: [(String, Register, RegisterAsync)] = [
        ("GET", Router.get, Router.get), ("POST", Router.post, Router.post), ("PUT", Router.put, Router.put),
        ("PATCH", Router.patch, Router.patch), ("DELETE", Router.delete, Router.delete),
    ]

    @Test func aRouteTableTakesEveryMethodSyncAndAsync() {
        let table = RouteTable()
        for (method, sync, async) in Self.registrations(table) {
            sync("/sync/\(method)") { _, response in response }
            async("/async/\(method)") { (_: Request, response: Response) async throws -> Response in response }
            #expect(Self.kind(table.matchHTTP(method: method, segments: ["sync", method])) == "sync", "\(method)")
            #expect(Self.kind(table.matchHTTP(method: method, segments: ["async", method])) == "async", "\(method)")
        }
    }

    @Test func theRouterForwardsEachOverloadToItsTable() {
        let prefix = "route-registration-test"
        for (method, sync, async) in Self.routerRegistrations {
            sync("/\(prefix)/sync/\(method)") { _, response in response }
            async("/\(prefix)/async/\(method)") { (_: Request, response: Response) async throws -> Response in response }
            #expect(Self.kind(Router.routes.matchHTTP(method: method, segments: [prefix, "sync", method])) == "sync")
            #expect(Self.kind(Router.routes.matchHTTP(method: method, segments: [prefix, "async", method])) == "async")
        }
        Router.websocket("/\(prefix)/ws") { _, _, _ in }
        #expect(Router.routes.matchWebSocket(segments: [prefix, "ws"]) != nil)
    }
}
