import CShims
import Glibc

/// The HTTP/1.1 + WebSocket server: one listening socket, one event loop, routes from a ``RouteTable``.
///
/// Its WebSockets join the table's hub (``RouteTable/hub``), so pushes and broadcasts from the
/// routes it serves reach them: ``Router/pushToWebSocket(_:_:)`` for the default
/// ``Router/routes``, `table.pushToWebSocket` for a table of your own.
///
/// ```swift
/// Router.websocket("/ws/echo") { connection, event, data in
///     if event == .message { connection.send("Echo: \(data)") }
/// }
/// let server = Server(configuration: try .fromEnvironment(Environment.current))
/// try server.start()
/// server.runForever()          // the main thread becomes the event loop
/// ```
@MainActor
public final class Server {
    public let configuration: ServerConfiguration
    public let routes: RouteTable
    /// Where this server's WebSockets are grouped by path: the hub of ``routes``.
    public var hub: WebSocketHub { routes.hub }
    /// The server's log (``Log/shared`` unless given).
    public var log: Log {
        didSet {
            channels.log = log
            dispatcher.log = log
        }
    }
    /// The port actually bound (differs from the configuration when it asked for port 0).
    public private(set) var port = 0

    /// The loop the server's sockets run on (``EventLoop/shared`` unless a test gave another).
    let loop: any ChannelLoop
    /// Every open connection of this server (the registry ``stop()`` closes).
    let channels: ChannelGroup
    /// Where a request finds its handler.
    let dispatcher: HTTPDispatcher
    private let httpLimits: HTTPConnection.Limits
    /// Listen with SO_REUSEPORT, sharing the port with other processes (`--workers`); set before ``start()``.
    public var reusePort = false

    private var listener: Listener?
    /// Pings every WebSocket each ``ServerConfiguration/pingIntervalMilliseconds`` (one timer).
    let heartbeat: WebSocketHeartbeat

    /// The counters behind `/metrics` (those of ``hub``, shared by the servers of one route table).
    public var metrics: ServerMetrics { routes.hub.metrics }

    /// Set by ``shutDown(then:)``: what runs once the last connection is gone or the grace ends.
    private var shutdown: ShutdownState?

    private enum ShutdownState {
        case draining(deadline: TimerQueue.Token, done: @MainActor () -> Void)
        case finished
    }

    /// Whether ``shutDown(then:)`` has begun.
    public var isShuttingDown: Bool { shutdown != nil }

    /// Open TCP connections (HTTP and WebSocket).
    public var openConnectionCount: Int { channels.count }

    /// The most bytes that ever waited to be written on one connection of this server.
    var peakPendingOutputBytes: Int { channels.peakPendingOutputBytes }

    public convenience init(configuration: ServerConfiguration = ServerConfiguration(), routes: RouteTable = Router.routes, log: Log? = nil) {
        self.init(configuration: configuration, routes: routes, log: log, loop: EventLoop.shared)
    }

    /// A server on `loop` (tests pass a fake loop; everything the server does goes through it).
    init(configuration: ServerConfiguration, routes: RouteTable, log: Log?, loop: any ChannelLoop) {
        let log = log ?? Log.shared
        self.configuration = configuration
        self.routes = routes
        self.log = log
        self.loop = loop
        channels = ChannelGroup(
            loop: loop, log: log, maxOutputBytes: configuration.maxOutputBytes, lingerMilliseconds: configuration.lingerMilliseconds,
            maxWebSocketOutputBytes: configuration.maxWebSocketOutputBytes, webSocketRateLimit: configuration.webSocketRateLimit,
            admission: ConnectionAdmission(maxConnections: configuration.maxConnections, maxPerAddress: configuration.maxConnectionsPerAddress),
            writeDeadlines: WriteDeadlines(
                windowMilliseconds: configuration.requestTimeoutMilliseconds, minimumBytesPerSecond: configuration.minimumReadBytesPerSecond))
        channels.metrics = routes.hub.metrics
        heartbeat = WebSocketHeartbeat(channels: channels, intervalMilliseconds: configuration.pingIntervalMilliseconds)
        dispatcher = HTTPDispatcher(routes: routes, staticFiles: StaticFiles(root: configuration.publicDirectory), log: log,
                                    compression: configuration.compression, metricsAccess: configuration.metrics,
                                    metricsPaths: configuration.metricsPaths, allowedOrigins: configuration.allowedOrigins)
        httpLimits = HTTPConnection.Limits(configuration)
    }

    /// Binds and starts accepting. Throws when the address cannot be bound (e.g. the port is in use).
    public func start() throws(SocketError) {
        Socket.ignoreSIGPIPE()
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port, reusePort: reusePort)
        self.port = port
        let listener = Listener(fd: fd, server: self)
        self.listener = listener
        loop.register(fd, events: UInt32(CSHIM_EPOLLIN), handler: listener)
        heartbeat.start()
    }

    /// Runs the event loop on the calling (main) thread until ``stop()``. `@MainActor` tasks run
    /// on the same thread between socket events.
    public func runForever() {
        (loop as? EventLoop)?.run()
    }

    /// Lets the main dispatch queue drive the event loop instead, for programs (and test runners)
    /// that already run the main queue. Returns at once.
    public func runOnMainQueue() {
        (loop as? EventLoop)?.attachToMainQueue()
    }

    /// Stops accepting, closes every connection (WebSockets with 1001 "going away"), and makes
    /// ``runForever()`` return. Afterwards the server holds no connection, and an event that
    /// still reaches one of its old channels finds it closed.
    public func stop() {
        channels.becameEmpty = nil   // closing them all is not a shutdown finishing on its own
        stopListening()
        heartbeat.stop()
        channels.closeAll { channel in
            if let session = channel.session as? WebSocketSession {
                session.close(code: .goingAway, reason: "server shutting down")
                channel.flush()
            }
        }
        loop.stop()
        finishShutdown()
    }

    /// Shuts down gracefully, then calls `done` and ``stop()``s: stops accepting (the listening
    /// socket is closed, so the port is free), sends every WebSocket the close 1001 "server
    /// shutting down" (each `.close` handler runs as its client answers), lets every request in
    /// progress get its answer (with `Connection: close`) and closes idle keep-alive
    /// connections. It finishes when the last connection has gone, or after
    /// ``ServerConfiguration/shutdownGraceMilliseconds``; whatever is left is then closed at once.
    /// A second call does nothing; ``stop()`` during the grace ends it at once.
    ///
    /// ```swift
    /// server.shutDown { backplane.stop() }   // on SIGTERM; runForever() returns afterwards
    /// ```
    public func shutDown(then done: @escaping @MainActor () -> Void = {}) {
        guard shutdown == nil else { return }
        stopListening()
        let deadline = loop.schedule(at: loop.now() + configuration.shutdownGraceMilliseconds) { [weak self] in
            self?.log.info("[server] \(self?.openConnectionCount ?? 0) connections still open after the shutdown grace, closing them")
            self?.stop()
        }
        shutdown = .draining(deadline: deadline, done: done)
        channels.becameEmpty = { [weak self] in
            // Later in this turn, not inside the last channel's close: its session is told after
            // it leaves the group (a `.close` handler may still broadcast through the backplane).
            guard let loop = self?.loop else { return }
            _ = loop.schedule(at: loop.now()) { [weak self] in
                guard let self, case .draining = self.shutdown else { return }
                self.stop()
            }
        }
        for channel in channels.channels {   // a copy: sessions may close their channels
            switch channel.session {
            case let session as WebSocketSession: session.close(code: .goingAway, reason: "server shutting down")
            case let session as HTTPSession: session.shutDown()
            default: break
            }
        }
        if channels.count == 0 { stop() }
    }

    /// Runs the `done` of a graceful shutdown once, when the server has stopped.
    private func finishShutdown() {
        guard case .draining(let deadline, let done) = shutdown else { return }
        shutdown = .finished
        channels.becameEmpty = nil
        loop.cancel(deadline)
        done()
    }

    private func stopListening() {
        guard let listener else { return }
        loop.unregister(listener.fd)
        Socket.close(listener.fd)
        self.listener = nil
    }

    // MARK: Channels

    fileprivate func accepted(_ fd: Int32) {
        if let refusal = channels.admission.admit(fd, openConnections: channels.count) {
            channels.dropped(refusal)
            let answer = HTTPResponseBytes(
                Response().text("Too many connections; try again soon.\n", status: 503).header("Retry-After", "5"),
                omitBody: false, persistence: .close, date: CurrentHTTPDate.value)
            Socket.refuse(fd, answer: answer.head, scratch: channels.readBuffer)
            return
        }
        let channel = Channel(fd: fd, group: channels)
        channel.session = HTTPSession(channel: channel, dispatcher: dispatcher, limits: httpLimits, server: self)
        channel.start()
    }

    func isListening(on fd: Int32) -> Bool { listener?.fd == fd }

    // MARK: Static files

    /// The files served for GET/HEAD requests no route answers (nil serves none).
    public var staticFiles: StaticFiles? {
        get { dispatcher.staticFiles }
        set { dispatcher.staticFiles = newValue }
    }
}

/// Accepts connections on the listening socket.
@MainActor
private final class Listener: EventLoopHandler {
    let fd: Int32
    /// Weak: a listener the loop still wakes after its server is gone closes what it accepts.
    weak var server: Server?

    init(fd: Int32, server: Server) {
        self.fd = fd
        self.server = server
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<64 {   // a bounded batch per turn; the rest on the next turn
            guard let client = Socket.accept(fd) else {
                if errno == EMFILE || errno == ENFILE { backOff() }
                return
            }
            guard let server else {
                Socket.close(client)
                return
            }
            server.accepted(client)
        }
    }

    /// Out of file descriptors: the pending connection stays readable, so stop watching the
    /// listener for a moment instead of spinning on it.
    private func backOff() {
        guard let server else { return }
        let loop = server.loop
        server.channels.dropped(.outOfFileDescriptors(open: server.openConnectionCount))
        loop.modify(fd, events: 0)
        _ = loop.schedule(at: loop.now() + 250) { [weak self] in
            guard let self, let server = self.server, server.isListening(on: self.fd) else { return }
            server.loop.modify(self.fd, events: UInt32(CSHIM_EPOLLIN))
        }
    }
}
