import Glibc

/// Short-lived HS256 JSON Web Tokens (RFC 7519), for authenticating WebSocket connections with
/// `?token=…` as the chapter recommends.
///
/// ```swift
/// let signer = HS256Token(secret: Array("change me".utf8))
/// let token = signer.issue(claims: ["sub": "ann"], lifetime: 300)
/// try signer.verify(token)["sub"]?.string     // "ann"
/// ```
public struct HS256Token: Sendable {
    private let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    /// Why a token was refused.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed, badSignature, expired, unsupportedAlgorithm
        /// The claims have no `exp`: a token without an expiry time is not accepted.
        case missingExpiry
        /// `exp` is there but is not a number of seconds since 1970.
        case badExpiry
        /// `nbf` (not before) is later than now, beyond the allowed clock skew.
        case notYetValid
        /// `iat` (issued at) is later than now, beyond the allowed clock skew: a token from the future.
        case issuedInFuture
        /// `nbf` or `iat` (named) is there but is not a number of seconds since 1970.
        case badTimeClaim(String)
        public var description: String {
            switch self {
            case .malformed: "malformed token"
            case .badSignature: "bad signature"
            case .expired: "token expired"
            case .missingExpiry: "token has no \"exp\" claim (expiry time); it must expire"
            case .badExpiry: "token's \"exp\" claim must be a number of seconds since 1970"
            case .unsupportedAlgorithm: "unsupported algorithm (HS256 only)"
            case .notYetValid: "token not valid yet (its \"nbf\" claim is in the future)"
            case .issuedInFuture: "token issued in the future (its \"iat\" claim is later than now)"
            case .badTimeClaim(let name): "token's \"\(name)\" claim must be a number of seconds since 1970"
            }
        }
    }

    /// A token with `claims` plus `iat` and `exp` (now + `lifetime` seconds).
    public func issue(claims: JSONObject = [:], lifetime: Int, now: Int = Int(time(nil))) -> String {
        var payload = claims
        payload["iat"] = .number(Double(now))
        payload["exp"] = .number(Double(now + lifetime))
        let header: JSON = ["alg": "HS256", "typ": "JWT"]
        let signingInput = Base64.encodeURLSafe(header.serializedBytes()) + "." + Base64.encodeURLSafe(JSON.object(payload).serializedBytes())
        return signingInput + "." + Base64.encodeURLSafe(SHA256.hmac(key: secret, message: Array(signingInput.utf8)))
    }

    /// Seconds the clocks of the issuer and this server may disagree by when `nbf` and `iat`
    /// are checked (RFC 7519 §4.1.5 allows "some small leeway").
    public static let clockSkew = 60

    /// The claims of a valid token: signed with this secret, `exp` in the future, and `nbf` and
    /// `iat` (when present) not later than now plus ``clockSkew``. The signature is compared in
    /// constant time.
    public func verify(_ token: String, now: Int = Int(time(nil))) throws(Rejection) -> JSONObject {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64.decodeURLSafe(String(parts[0])),
              let payloadBytes = Base64.decodeURLSafe(String(parts[1])),
              let signature = Base64.decodeURLSafe(String(parts[2])),
              let header = try? JSON.parse(headerBytes),
              case .object(let claims)? = try? JSON.parse(payloadBytes)
        else { throw .malformed }
        guard header["alg"]?.string == "HS256" else { throw .unsupportedAlgorithm }
        let expected = SHA256.hmac(key: secret, message: Array((parts[0] + "." + parts[1]).utf8))
        guard signature.count == expected.count, zip(signature, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw .badSignature
        }
        guard let exp = claims["exp"], !exp.isNull else { throw .missingExpiry }
        guard let expiry = exp.double else { throw .badExpiry }
        guard Double(now) < expiry else { throw .expired }
        let latest = Double(now + Self.clockSkew)
        if let notBefore = claims["nbf"], !notBefore.isNull {
            guard let seconds = notBefore.double else { throw .badTimeClaim("nbf") }
            guard seconds <= latest else { throw .notYetValid }
        }
        if let issuedAt = claims["iat"], !issuedAt.isNull {
            guard let seconds = issuedAt.double else { throw .badTimeClaim("iat") }
            guard seconds <= latest else { throw .issuedInFuture }
        }
        return claims
    }
}
