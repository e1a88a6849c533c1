import Testing
@testable import Tina4

/// The HTTP/1.1 connection state machine on its own: bytes in, actions out, a fake clock. No
/// socket and no real time: a 30 s timeout is a number.
@MainActor @Suite struct HTTPConnectionMachineTests {
    /// The machine with a hand-held clock and byte counters standing in for the channel.
    struct Harness {
        var connection: HTTPConnection
        var now: UInt64 = 1_000
        var pendingOutputBytes = 0
        var bytesWritten = 0
        /// What the machine asked for, as short strings (`dispatch GET /a`, `respond 200`, …).
        var log: [String] = []
        /// Responses written, as text.
        var wire: [String] = []

        init(configure: (inout ServerConfiguration) -> Void = { _ in }) {
            var configuration = ServerConfiguration()
            configure(&configuration)
            connection = HTTPConnection(limits: HTTPConnection.Limits(configuration))
        }

        mutating func feed(_ text: String) {
            Array(text.utf8).withUnsafeBytes { connection.received($0) }
        }

        /// Runs the machine until it waits; `answer` responds to dispatched requests (nil:
        /// leave it pending, as an async handler would).
        mutating func run(answer: (ParsedRequest) -> Response? = { _ in Response().text("ok") }) {
            while let action = connection.next(now: now, pendingOutputBytes: pendingOutputBytes) {
                switch action {
                case .write(let bytes):
                    log.append("write")
                    wire.append(String(decoding: bytes.bytes, as: UTF8.self))
                case .dispatch(let request):
                    log.append("dispatch \(request.head.method) \(request.head.target)")
                    if let response = answer(request) { connection.respond(response, close: false, date: "D") }
                case .reject(let status, _, _, _):
                    log.append("reject \(status)")
                    connection.respond(Response().text("rejected", status: status), close: true, date: "D")
                case .respond(let bytes, let close):
                    let text = String(decoding: bytes.head.bytes + (bytes.body?.bytes ?? []), as: UTF8.self)
                    log.append("respond \(text.split(separator: " ")[1])\(close ? " close" : "")")
                    wire.append(text)
                case .closeWhenFlushed:
                    log.append("closeWhenFlushed")
                case .closeNow:
                    log.append("closeNow")
                }
            }
        }

        mutating func timerFires() {
            connection.timerFired(now: now)
        }
    }

    static let get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"

    @Test func pipelinedRequestsAreDispatchedOneAtATimeInOrder() {
        var h = Harness()
        h.feed("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        h.run(answer: { _ in nil })   // /a's handler is async: /b must wait
        #expect(h.log == ["dispatch GET /a"])
        #expect(h.connection.readingWanted == false)
        #expect(h.connection.deadline == nil, "no timeout while the application works")

        h.connection.respond(Response().text("A"), close: false, date: "D")
        h.run()
        #expect(h.log == ["dispatch GET /a", "respond 200", "dispatch GET /b", "respond 200"])
        #expect(h.wire[0].hasSuffix("\r\n\r\nA"))
        #expect(h.connection.readingWanted == true)
    }

    @Test func anIdleKeepAliveConnectionClosesAtTheTimeoutAndNotBefore() {
        var h = Harness { $0.keepAliveTimeoutMilliseconds = 30_000 }
        h.run()
        #expect(h.connection.deadline == 31_000)
        h.now = 30_999
        h.timerFires()
        h.run()
        #expect(h.log.isEmpty)
        h.now = 31_000
        h.timerFires()
        h.run()
        #expect(h.log == ["closeNow"])
        #expect(h.connection.state == .finished)
    }

    @Test func eachResponseRestartsTheKeepAliveClock() {
        var h = Harness()
        h.run()
        h.now = 20_000
        h.feed(Self.get)
        h.run()
        #expect(h.connection.deadline == 50_000)
        h.now = 31_000   // the first deadline passes: the timer fired early, nothing happens
        h.timerFires()
        h.run()
        #expect(h.log == ["dispatch GET /a", "respond 200"])
    }

    @Test func aRequestThatTakesTooLongToArriveGets408ThenTheConnectionCloses() {
        var h = Harness { $0.requestTimeoutMilliseconds = 10_000 }
        h.feed("GET /a HTTP/1.1\r\nHo")
        h.run()
        #expect(h.connection.deadline == 11_000)
        h.now = 8_000
        h.feed("st: x\r\nX-Slow: 1")   // progress does not restart the request clock
        h.run()
        #expect(h.connection.deadline == 11_000)
        h.now = 11_000
        h.timerFires()
        h.run()
        #expect(h.log == ["reject 408", "respond 408 close"])
        #expect(h.wire.last?.contains("\r\nConnection: close\r\n") == true)
        #expect(h.connection.state == .finished)
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyArrives() {
        var h = Harness()
        h.feed("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        h.run()
        #expect(h.log == ["write"])
        #expect(h.wire == ["HTTP/1.1 100 Continue\r\n\r\n"])
        h.feed("hello")
        h.run()
        #expect(h.log == ["write", "dispatch POST /up", "respond 200"])
    }

    @Test func overTheHighWaterMarkNothingMoreIsDispatchedUntilTheOutputDrains() {
        var h = Harness { $0.outputHighWaterBytes = 100 }
        h.feed(Self.get + Self.get)
        h.pendingOutputBytes = 101   // as if the first response was big
        h.run()
        #expect(h.log.isEmpty)
        #expect(h.connection.readingWanted == false)
        #expect(h.connection.deadline == nil, "the channel's write deadline bounds the wait")
        h.pendingOutputBytes = 0
        h.connection.outputDrained()
        h.run()
        #expect(h.log == ["dispatch GET /a", "respond 200", "dispatch GET /a", "respond 200"])
    }

    @Test func chunkedBodyAndTrailerLinesDoNotRestartTheRequestClock() {
        var h = Harness { $0.requestTimeoutMilliseconds = 30_000 }
        h.feed("POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        h.run()
        #expect(h.connection.deadline == 31_000, "the head is here, the body is not: the request clock runs")
        h.now = 10_000
        h.feed("0\r\n")   // the last chunk: only the trailer section is left
        h.run()
        for second in stride(from: 20_000, to: 31_000, by: 5_000) {   // a trailer line every 5 s
            h.now = UInt64(second)
            h.feed("X-T: \(second)\r\n")
            h.run()
            #expect(h.connection.deadline == 31_000)
        }
        h.now = 31_000
        h.timerFires()
        h.run()
        #expect(h.log == ["reject 408", "respond 408 close"])
    }

    @Test func shutDownClosesAnIdleConnectionAndAnswersTheRequestInProgressWithConnectionClose() {
        var idle = Harness()
        idle.feed(Self.get)
        idle.run()
        idle.connection.shutDown()
        idle.run()
        #expect(idle.log == ["dispatch GET /a", "respond 200", "closeWhenFlushed"])
        #expect(idle.connection.state == .finished)

        var busy = Harness()
        busy.feed(Self.get + Self.get)
        busy.run(answer: { _ in nil })   // an async handler is working
        busy.connection.shutDown()
        busy.run()
        #expect(busy.log == ["dispatch GET /a"])
        busy.connection.respond(Response().text("A"), close: false, date: "D")
        busy.run()
        #expect(busy.log == ["dispatch GET /a", "respond 200 close"], "the pipelined request after it is not read")
        #expect(busy.wire.last?.contains("\r\nConnection: close\r\n") == true)

        var partial = Harness()
        partial.feed("GET /a HTTP/1.1\r\nHo")
        partial.run()
        partial.connection.shutDown()
        partial.run()
        #expect(partial.log.isEmpty, "a request on its way is waited for")
        partial.feed("st: x\r\n\r\n")
        partial.run()
        #expect(partial.log == ["dispatch GET /a", "respond 200 close"])
    }

    @Test func afterEOFEveryCompleteRequestIsAnsweredThenTheConnectionCloses() {
        var h = Harness()
        h.feed(Self.get + Self.get)
        h.connection.inputEnded()
        h.run()
        #expect(h.log == ["dispatch GET /a", "respond 200", "dispatch GET /a", "respond 200", "closeWhenFlushed"])
    }

    @Test func eofWhileAHandlerRunsClosesOnlyAfterItsResponse() {
        var h = Harness()
        h.feed(Self.get)
        h.run(answer: { _ in nil })
        h.connection.inputEnded()
        h.run()
        #expect(h.log == ["dispatch GET /a"])
        h.connection.respond(Response().text("late"), close: false, date: "D")
        h.run()
        #expect(h.log == ["dispatch GET /a", "respond 200", "closeWhenFlushed"])
    }

    @Test func http10GetsKeepAliveOnlyWhenItAsks() {
        var asked = Harness()
        asked.feed("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        asked.run()
        #expect(asked.log == ["dispatch GET /a", "respond 200"])
        #expect(asked.wire[0].contains("\r\nConnection: keep-alive\r\n"))

        var plain = Harness()
        plain.feed("GET /a HTTP/1.0\r\n\r\n")
        plain.run()
        #expect(plain.log == ["dispatch GET /a", "respond 200 close"])
        #expect(plain.wire[0].contains("\r\nConnection: close\r\n"))
    }

    @Test func headGetsTheHeadWithTheLengthButNoBody() {
        var h = Harness()
        h.feed("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n")
        h.run(answer: { _ in Response().text("twelve bytes") })
        #expect(h.wire[0].hasSuffix("\r\n\r\n"))
        #expect(h.wire[0].contains("\r\nContent-Length: 12\r\n"))
    }

    @Test func aMalformedRequestIsRejectedAndTheConnectionCloses() {
        var h = Harness()
        h.feed("GET /a HTTP/1.1\r\n\r\n")   // no Host
        h.run()
        #expect(h.log == ["reject 400", "respond 400 close"])
        h.feed(Self.get)   // nothing after the error is read
        h.run()
        #expect(h.log.count == 2)
    }

    @Test func anUpgradeHandsOverTheBytesThatFollowedTheRequest() {
        var h = Harness()
        h.feed("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n\u{81}\u{00}")
        h.run(answer: { _ in nil })
        let leftover = h.connection.upgrade()
        #expect(leftover == [0xC2, 0x81, 0x00])   // U+0081 in UTF-8, then 0x00
        #expect(h.connection.state == .upgraded)
        #expect(h.connection.deadline == nil)
        #expect(h.connection.readingWanted == nil)
    }

    @Test func aResponseAfterTheChannelClosedIsDropped() {
        var h = Harness()
        h.feed(Self.get)
        h.run(answer: { _ in nil })
        h.connection.closed()
        h.connection.respond(Response().text("too late"), close: false, date: "D")
        h.run()
        #expect(h.log == ["dispatch GET /a"])
    }

    /// Pipelined requests (plain, with a length, chunked, 100-continue, HEAD) split at random
    /// points, some answered at once and some later (async): every split dispatches the same
    /// requests in the same order and answers them in that order.
    @Test(arguments: 0..<40) func anySplitOfAPipelineIsDispatchedAndAnsweredInOrder(seed: UInt64) {
        let stream = [
            "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
            "POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            "HEAD /4 HTTP/1.1\r\nHost: x\r\n\r\n",
            "PUT /5 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok",
            "GET /6 HTTP/1.1\r\nHost: x\r\n\r\n",
        ].joined()
        var bytes = Array(stream.utf8)
        var random = SplitMix64(seed: seed)
        var h = Harness()
        var pending: [String] = []   // targets whose handler is "async" and has not answered yet
        while !bytes.isEmpty || !pending.isEmpty {
            if !bytes.isEmpty {
                let count = Int.random(in: 1...min(bytes.count, 40), using: &random)
                bytes.prefix(count).withUnsafeBytes { h.connection.received($0) }
                bytes.removeFirst(count)
            }
            h.run(answer: { request in
                let body = request.head.target + ":" + String(decoding: request.body, as: UTF8.self)
                if Bool.random(using: &random) { return Response().text(body) }
                pending.append(body)
                return nil
            })
            if let body = pending.first, Bool.random(using: &random) || bytes.isEmpty {
                pending.removeFirst()
                h.connection.respond(Response().text(body), close: false, date: "D")
                h.run(answer: { request in Response().text(request.head.target + ":" + String(decoding: request.body, as: UTF8.self)) })
            }
            #expect(pending.count <= 1, "one request at a time")
        }
        let dispatched = h.log.filter { $0.hasPrefix("dispatch") }
        #expect(dispatched == ["dispatch GET /1", "dispatch POST /2", "dispatch POST /3", "dispatch HEAD /4", "dispatch PUT /5", "dispatch GET /6"])
        let bodies = h.wire.filter { !$0.hasPrefix("HTTP/1.1 100") }.map { $0.components(separatedBy: "\r\n\r\n").last ?? "" }
        #expect(bodies == ["/1:", "/2:hello", "/3:abcde", "", "/5:ok", "/6:"])
        #expect(h.wire.filter { $0.hasPrefix("HTTP/1.1 100 Continue") }.count <= 1)
    }
}
