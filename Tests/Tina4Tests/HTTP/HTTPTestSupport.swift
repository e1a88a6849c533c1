@testable import Tina4

/// Helpers shared by the HTTP parser tests.
enum HTTPTestSupport {
    /// What feeding some bytes produced: every event in order, and the error if one was thrown.
    struct Outcome: Equatable, CustomStringConvertible {
        var events: [HTTPParseEvent] = []
        var error: HTTPParseError?

        var requests: [ParsedRequest] {
            events.compactMap { if case .request(let request) = $0 { request } else { nil } }
        }

        /// The outcome without `.expectContinue`, whose presence depends on how bytes were split.
        var withoutContinues: Outcome {
            Outcome(events: events.filter { if case .request = $0 { true } else { false } }, error: error)
        }

        var description: String { "\(requests.count) request(s), error: \(error.map(String.init(describing:)) ?? "none")" }
    }

    /// Appends each chunk in turn and drains `next()` after every append, stopping at an error.
    static func run(_ chunks: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> Outcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = Outcome()
        for chunk in chunks {
            parser.append(chunk)
            do {
                while let event = try parser.next() { outcome.events.append(event) }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        return outcome
    }

    static func run(_ raw: String, limits: HTTPParserLimits = HTTPParserLimits()) -> Outcome {
        run([Array(raw.utf8)], limits: limits)
    }

    /// Feeds one byte at a time.
    static func runByteByByte(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) -> Outcome {
        run(bytes.map { [$0] }, limits: limits)
    }

    /// Cuts `bytes` into random pieces (1...maxPiece bytes).
    static func randomSplits(_ bytes: [UInt8], maxPiece: Int = 16, using rng: inout SplitMix64) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let length = Int.random(in: 1...maxPiece, using: &rng)
            let end = min(start + length, bytes.count)
            pieces.append(Array(bytes[start..<end]))
            start = end
        }
        return pieces
    }

    /// The single request `raw` parses to; records an issue otherwise.
    static func parseOne(_ raw: String, limits: HTTPParserLimits = HTTPParserLimits()) -> ParsedRequest? {
        let outcome = run(raw, limits: limits)
        guard outcome.error == nil, outcome.requests.count == 1 else { return nil }
        return outcome.requests[0]
    }

    /// Body bytes of a string.
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
}

/// A request the parser must reject, for parameterized tests.
struct HTTPRejection: Sendable, CustomStringConvertible {
    var name: String
    var raw: String
    var status: Int
    var reason: String
    var limits = HTTPParserLimits()

    var description: String { name }
    var expected: HTTPParseError { HTTPParseError(status: status, reason: reason) }
}

extension HTTPRequestParser {
    /// `next()` as a value, so tests can tell "no event yet" from an error.
    mutating func nextResult() -> Result<HTTPParseEvent?, HTTPParseError> {
        do {
            return .success(try next())
        } catch {
            return .failure(error)
        }
    }
}
