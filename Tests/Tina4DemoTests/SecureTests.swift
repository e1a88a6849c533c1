import Glibc
import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// `/ws/secure?token=…` and `GET /api/ws-token` (chapter §6 "Closing a Connection", gotcha 7).
    @Suite struct Secure {
        @Test func issuedTokenIsAcceptedAndMessagesReachEveryAuthenticatedClient() async throws {
            try await withDemoServer { server in
                let reply = try await request(server, "GET", "/api/ws-token")
                #expect(reply.status == 200)
                #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
                var body = try reply.object()
                let token = try #require(body.take("token")?.string)
                #expect(body == ["expires_in": 300])
                #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 3)
                let claims = try await MainActor.run { try Demos.tokenSigner.verify(token) }
                #expect(claims["sub"] == "demo")
                #expect(claims["exp"]?.int == claims["iat"]?.int.map { $0 + 300 })

                let first = try await Client.connect(server.ws + "/ws/secure?token=\(token)")
                #expect(try await first.receiveObject() == ["type": "welcome", "user": "demo"])
                let second = try await Client.connect(server.ws + "/ws/secure?token=\(token)")
                #expect(try await second.receiveObject() == ["type": "welcome", "user": "demo"])
                // The Ruby edition's message handler: broadcast to the path, sender included.
                try await first.send("hello, authenticated")
                #expect(try await first.receiveText() == "hello, authenticated")
                #expect(try await second.receiveText() == "hello, authenticated")
                // Binary messages are relayed as they came, not as empty text.
                try await second.send(binary: [1, 2, 3])
                #expect(try await first.receive() == .binary([1, 2, 3]))
                #expect(try await second.receive() == .binary([1, 2, 3]))
                #expect(try await first.close() == 1000)
            }
        }

        @Test(arguments: ["", "?token=", "?other=1"])
        func missingTokenIsRefusedWith1008(query: String) async throws {
            try await expectRefusal(query: query, reason: nil)
        }

        @Test(arguments: ["garbage", "a.b.c", "..", "eyJhbGciOiJIUzI1NiJ9.e30"])
        func malformedTokenIsRefusedWith1008(token: String) async throws {
            try await expectRefusal(query: "?token=\(token)", reason: "malformed token")
        }

        @Test func forgedClaimsAreRefused() async throws {
            let genuine = await MainActor.run { Demos.tokenSigner.issue(claims: ["sub": "demo"], lifetime: 300) }
            let parts = genuine.split(separator: ".").map(String.init)
            let forgedClaims: JSON = ["sub": "admin", "exp": 4_102_444_800]
            let forged = [parts[0], Base64.encodeURLSafe(forgedClaims.serializedBytes()), parts[2]].joined(separator: ".")
            try await expectRefusal(query: "?token=\(forged)", reason: "bad signature")
        }

        @Test func tokenSignedWithAnotherSecretIsRefused() async throws {
            let token = HS256Token(secret: Array("not the demo secret".utf8)).issue(claims: ["sub": "demo"], lifetime: 300)
            try await expectRefusal(query: "?token=\(token)", reason: "bad signature")
        }

        @Test func expiredTokenIsRefused() async throws {
            let token = await MainActor.run { Demos.tokenSigner.issue(claims: ["sub": "demo"], lifetime: -1) }
            try await expectRefusal(query: "?token=\(token)", reason: "token expired")
        }

        /// A correctly signed token without `exp` (or with a non-numeric one) is refused with a
        /// reason naming the claim, not "token expired".
        @Test(arguments: [
            (["sub": "demo"] as JSONObject, #"token has no "exp" claim (expiry time); it must expire"#),
            (["sub": "demo", "exp": "tomorrow"] as JSONObject, #"token's "exp" claim must be a number of seconds since 1970"#),
        ])
        func tokenWithoutUsableExpiryIsRefusedSayingWhy(claims: JSONObject, reason: String) async throws {
            let secret = Array("a secret for the exp test".utf8)
            let token = signedToken(claims: claims, secret: secret)
            try await withTokenSigner(HS256Token(secret: secret)) {
                try await expectRefusal(query: "?token=\(token)", reason: reason)
            }
        }

        @Test func unsignedTokenIsRefused() async throws {
            let header: JSON = ["alg": "none", "typ": "JWT"]
            let claims: JSON = ["sub": "demo", "exp": 4_102_444_800]
            let token = Base64.encodeURLSafe(header.serializedBytes()) + "." + Base64.encodeURLSafe(claims.serializedBytes()) + "."
            try await expectRefusal(query: "?token=\(token)", reason: nil)
        }

        /// With `TINA4_SECRET` set, tokens are signed with it: one signed by that secret is accepted
        /// over the wire, one signed by another is refused, and `GET /api/ws-token` signs with it.
        @Test func tina4SecretSignsTheTokens() async throws {
            let configured = try Demos.makeTokenSigner(environment: ["TINA4_SECRET": "correct horse battery staple, and more"])
            try await withTokenSigner(configured) {
                let mine = HS256Token(secret: Array("correct horse battery staple, and more".utf8)).issue(claims: ["sub": "ops"], lifetime: 60)
                try await withDemoServer { server in
                    let client = try await Client.connect(server.ws + "/ws/secure?token=\(mine)")
                    #expect(try await client.receiveObject() == ["type": "welcome", "user": "ops"])
                    let issued = try #require(try await request(server, "GET", "/api/ws-token").object()["token"]?.string)
                    #expect(try HS256Token(secret: Array("correct horse battery staple, and more".utf8)).verify(issued)["sub"] == "demo")
                }
                let theirs = HS256Token(secret: Array("some other secret".utf8)).issue(claims: ["sub": "ops"], lifetime: 60)
                try await expectRefusal(query: "?token=\(theirs)", reason: "bad signature")
            }
        }

        /// Without `TINA4_SECRET` (or with it empty) every start picks a fresh random secret: tokens
        /// from one start are refused by another, so there is no secret built into the code.
        @Test(arguments: [[:], ["TINA4_SECRET": ""]] as [[String: String]])
        func withoutTina4SecretEachStartHasItsOwnSecret(environment: [String: String]) throws {
            let first = try Demos.makeTokenSigner(environment: environment)
            let second = try Demos.makeTokenSigner(environment: environment)
            let token = first.issue(claims: ["sub": "demo"], lifetime: 60)
            #expect(try first.verify(token)["sub"] == "demo")
            #expect(throws: HS256Token.Rejection.badSignature) { try second.verify(token) }
            #expect(throws: HS256Token.Rejection.badSignature) { try Demos.makeTokenSigner(environment: environment).verify(token) }
            #expect(throws: HS256Token.Rejection.badSignature) { try HS256Token(secret: []).verify(token) }
        }

        @Test func aSecretShorterThan32BytesIsRefused() throws {
            #expect(throws: Demos.ShortSecret.self) { try Demos.makeTokenSigner(environment: ["TINA4_SECRET": String(repeating: "x", count: 31)]) }
            // 32 bytes, counted in UTF-8: 8 four-byte characters are enough, 31 ASCII bytes are not.
            _ = try Demos.makeTokenSigner(environment: ["TINA4_SECRET": String(repeating: "\u{1F511}", count: 8)])
        }

        /// `nbf` later than now, or `iat` later than now, beyond a minute of clock skew, is refused
        /// with the demo's error message and 1008; within the skew it is accepted.
        @Test(arguments: [
            (["nbf": 600], "token not valid yet (its \"nbf\" claim is in the future)"),
            (["iat": 600], "token issued in the future (its \"iat\" claim is later than now)"),
            (["nbf": "soon"], "token's \"nbf\" claim must be a number of seconds since 1970"),
            (["iat": [1]], "token's \"iat\" claim must be a number of seconds since 1970"),
        ] as [(JSONObject, String)])
        func tokensFromTheFutureAreRefused(offsets: JSONObject, reason: String) async throws {
            let secret = Array("a secret for the nbf and iat tests".utf8)
            let now = Int(time(nil))
            var claims: JSONObject = ["sub": "demo", "exp": .number(Double(now + 3600))]
            for (name, value) in zip(offsets.keys, offsets.values) { claims[name] = value.int.map { .number(Double(now + $0)) } ?? value }
            let token = signedToken(claims: claims, secret: secret)
            let signer = HS256Token(secret: secret)
            #expect(throws: (any Error).self) { try signer.verify(token, now: now) }
            if offsets.values.allSatisfy({ $0.int != nil }) {   // a minute of clock skew is allowed
                #expect(throws: Never.self) { try signer.verify(token, now: now + 600 - HS256Token.clockSkew) }
            }
            try await withTokenSigner(signer) {
                try await expectRefusal(query: "?token=\(token)", reason: reason)
            }
        }

        /// A token signed with `secret` whatever its claims (the demo's signer would not issue
        /// some of them).
        private func signedToken(claims: JSONObject, secret: [UInt8]) -> String {
            let header: JSON = ["alg": "HS256", "typ": "JWT"]
            let input = Base64.encodeURLSafe(header.serializedBytes()) + "." + Base64.encodeURLSafe(JSON.object(claims).serializedBytes())
            return input + "." + Base64.encodeURLSafe(SHA256.hmac(key: secret, message: Array(input.utf8)))
        }

        /// Runs `body` with `signer` as the demo's token signer, then puts the previous one back,
        /// also when `body` throws.
        private func withTokenSigner(_ signer: HS256Token, _ body: () async throws -> Void) async throws {
            let saved = await MainActor.run { Demos.tokenSigner }
            await MainActor.run { Demos.tokenSigner = signer }
            do {
                try await body()
            } catch {
                await MainActor.run { Demos.tokenSigner = saved }
                throw error
            }
            await MainActor.run { Demos.tokenSigner = saved }
        }

        /// One `{"error":"Unauthorized","reason":…}` message, then a close with 1008.
        private func expectRefusal(query: String, reason: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await withDemoServer { server in
                let client = try await Client.connect(server.ws + "/ws/secure" + query)
                var refusal = try await client.receiveObject()
                let why = refusal.take("reason")?.string
                #expect(refusal == ["error": "Unauthorized"], sourceLocation: sourceLocation)
                #expect(why != nil && !why!.isEmpty, sourceLocation: sourceLocation)
                if let reason { #expect(why == reason, sourceLocation: sourceLocation) }
                #expect(try await client.expectClose() == 1008, sourceLocation: sourceLocation)
            }
        }
    }
}
