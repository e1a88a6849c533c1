import Glibc
import Tina4

extension Demos {
    /// Signs and checks the demo tokens; made from the environment when first used (after `.env`
    /// is loaded). Tests swap it for one made by ``makeTokenSigner(environment:)``.
    static var tokenSigner = makeTokenSigner(environment: Environment.current)

    /// A signer keyed by `TINA4_SECRET`, or by 32 random bytes when it is unset or empty (tokens
    /// then stop working when the server restarts, which is what short-lived tokens are for).
    nonisolated static func makeTokenSigner(environment: [String: String]) -> HS256Token {
        if let secret = environment["TINA4_SECRET"], !secret.isEmpty {
            return HS256Token(secret: Array(secret.utf8))
        }
        var generator = SystemRandomNumberGenerator()
        return HS256Token(secret: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Seconds a demo token stays valid.
    static let tokenLifetime = 300

    /// Chapter §6 "Closing a Connection" and gotcha 7: `/ws/secure?token=…` checks a short-lived
    /// HS256 token on open and closes (1008) with an error message when it is missing or invalid.
    /// `GET /api/ws-token` issues one, so the demo can be tried.
    static func registerSecure() {
        Router.get("/api/ws-token") { _, response in
            response.json(["token": tokenSigner.issue(claims: ["sub": "demo"], lifetime: tokenLifetime), "expires_in": tokenLifetime])
        }

        Router.websocket("/ws/secure") { connection, event, data in
            switch event {
            case .open:
                guard let token = connection.params["token"], !token.isEmpty else {
                    connection.sendJson(["error": "Unauthorized", "reason": "missing ?token= (get one from GET /api/ws-token)"])
                    connection.close(code: 1008, reason: "missing token")
                    return
                }
                do {
                    let claims = try tokenSigner.verify(token)
                    connection.sendJson(["type": "welcome", "user": claims["sub"] ?? .null])
                } catch let rejection as HS256Token.Rejection {
                    connection.sendJson(["error": "Unauthorized", "reason": rejection.description])
                    connection.close(code: 1008, reason: rejection.description)
                } catch {
                    connection.close(code: 1011)
                }
            case .message:
                if data.isBinary { connection.broadcast(data.bytes) } else { connection.broadcast(data.text) }
            case .close:
                Log.shared.info("[Secure] Client disconnected: \(connection.id)")
            }
        }
    }
}
