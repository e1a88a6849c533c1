import Glibc
import Tina4

extension Demos {
    /// Signs and checks the demo tokens: keyed by 32 random bytes until `tina4 serve` sets it from
    /// `TINA4_SECRET` (``makeTokenSigner(environment:)``). Tests swap it.
    static var tokenSigner = randomTokenSigner()

    /// The shortest `TINA4_SECRET` accepted, in bytes: an HS256 key should be as long as the hash (RFC 7518 §3.2).
    nonisolated static let minimumSecretBytes = 32

    /// A secret shorter than ``minimumSecretBytes``; `description` is the one line `tina4 serve` prints.
    struct ShortSecret: Error, CustomStringConvertible {
        var length: Int
        var description: String {
            "TINA4_SECRET is \(length) bytes long: use at least \(minimumSecretBytes) random bytes (e.g. `openssl rand -hex 32`)"
        }
    }

    /// A signer keyed by `TINA4_SECRET`, or by 32 random bytes when it is unset or empty (tokens
    /// then stop working when the server restarts, which is what short-lived tokens are for).
    /// A secret under 32 bytes is refused: it could be guessed offline from any one token.
    nonisolated static func makeTokenSigner(environment: [String: String]) throws(ShortSecret) -> HS256Token {
        guard let secret = environment["TINA4_SECRET"], !secret.isEmpty else { return randomTokenSigner() }
        guard secret.utf8.count >= minimumSecretBytes else { throw ShortSecret(length: secret.utf8.count) }
        return HS256Token(secret: Array(secret.utf8))
    }

    nonisolated static func randomTokenSigner() -> HS256Token {
        var generator = SystemRandomNumberGenerator()
        return HS256Token(secret: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Seconds a demo token stays valid.
    static let tokenLifetime = 300

    /// Chapter §6 "Closing a Connection" and gotcha 7: `/ws/secure?token=…` checks a short-lived
    /// HS256 token on open and closes (1008) with an error message when it is missing or invalid.
    /// `GET /api/ws-token` issues one, so the demo can be tried.
    ///
    /// **Demo only**: `/api/ws-token` hands a token to anyone who asks. A real application
    /// issues it only after authenticating the request (a session cookie checked here, with
    /// `TINA4_WS_ALLOWED_ORIGINS` set so other sites' pages cannot open the socket), and puts the
    /// user's id in `sub` instead of "demo".
    static func registerSecure() {
        Router.get("/api/ws-token") { _, response in
            // Real authentication goes here: look up the session of the request (its cookie) and
            // answer 401 without one; then issue(claims: ["sub": user.id], …).
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
