// The HTTP/1.1 request parser (Sources/Tina4/HTTP) on arbitrary bytes, then what the server does
// with a parsed request before any handler runs (path segments, query string, body by
// Content-Type, the WebSocket handshake and permessage-deflate offers). Invariants: fed whole or
// in pieces it returns the same requests and fails with the same status; a request's body obeys
// the limit; the bytes left after the requests are a suffix of the input; an error's status is
// one the parser documents.
import FuzzSupport
@testable import Tina4

/// Small limits, so inputs of a few KiB reach every limit check.
let limits = HTTPParserLimits(maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 2048)

struct Outcome: Equatable {
    var requests: [ParsedRequest] = []
    var errorStatus: Int?
    /// Bytes after the last request (nil after an error).
    var remaining: [UInt8]?
}

func parse(_ pieces: [UnsafeRawBufferPointer]) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    var fed = 0
    do throws(HTTPParseError) {
        for piece in pieces {
            parser.append(piece)
            fed += piece.count
            while let event = try parser.next() {
                if case .request(let request) = event { outcome.requests.append(request) }
            }
            invariant(parser.bufferedByteCount <= fed, "buffers \(parser.bufferedByteCount) bytes of \(fed) fed")
        }
    } catch {
        invariant([400, 413, 414, 417, 431, 501, 505].contains(error.status), "undocumented status \(error.status)")
        outcome.errorStatus = error.status
        return outcome
    }
    outcome.remaining = parser.takeRemainingBytes()
    return outcome
}

/// What the dispatcher and the upgrade path read from a request before any handler runs.
func interpret(_ request: ParsedRequest) {
    let head = request.head
    _ = decodePathSegments(head.path)
    if let query = head.rawQuery { _ = QueryString.parse(query) }
    _ = try? Request.decodeBody(request.body, contentType: head.headers["Content-Type"])
    _ = head.headers.containsToken("websocket", in: "Upgrade")
    let handshake = WebSocketHandshake.validate(method: head.method, versionMajor: head.version.major,
                                                versionMinor: head.version.minor, headerValues: head.headers.values)
    if case .success = handshake {
        _ = PerMessageDeflateNegotiation.negotiate(offers: head.headers.values("Sec-WebSocket-Extensions"),
                                                   configuration: PerMessageDeflateConfiguration())
    }
}

runFuzzer { bytes in
    let whole = parse([bytes])
    let split = parse(Splits.pieces(of: bytes))
    invariant(whole.requests == split.requests, "fed in pieces, the requests differ")
    invariant(whole.errorStatus == split.errorStatus,
              "fed in pieces, status \(String(describing: whole.errorStatus)) became \(String(describing: split.errorStatus))")
    invariant(whole.remaining == split.remaining, "fed in pieces, the bytes left differ")
    if let remaining = whole.remaining {
        invariant(remaining.count <= bytes.count && remaining.elementsEqual(bytes.suffix(remaining.count)),
                  "the bytes left are not the input's tail")
    }
    for request in whole.requests {
        invariant(request.body.count <= limits.maxBodyBytes, "a body of \(request.body.count) bytes passed the limit")
        interpret(request)
    }
}
