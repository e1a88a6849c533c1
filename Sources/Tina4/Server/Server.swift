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
    public var log: Log
    /// The port actually bound (differs from the configuration when it asked for port 0).
    public private(set) var port = 0

    /// Listen with SO_REUSEPORT, sharing the port with other processes (`--workers`); set before ``start()``.
    public var reusePort = false

    private var listener: Listener?
    private var channels: [ObjectIdentifier: Channel] = [:]

    /// The largest output backlog any connection reached (closed ones included), for tests.
    private var peakOfClosedChannels = 0

    /// Open TCP connections (HTTP and WebSocket).
    public var openConnectionCount: Int { channels.count }

    /// The most bytes that ever waited to be written on one connection of this server.
    var peakPendingOutputBytes: Int {
        channels.values.reduce(peakOfClosedChannels) { max($0, $1.peakPendingOutputBytes) }
    }

    public init(configuration: ServerConfiguration = ServerConfiguration(), routes: RouteTable = Router.routes, log: Log? = nil) {
        self.configuration = configuration
        self.routes = routes
        self.log = log ?? Log.shared
        self.staticFiles = StaticFiles(root: configuration.publicDirectory)
    }

    /// Binds and starts accepting. Throws when the address cannot be bound (e.g. the port is in use).
    public func start() throws(SocketError) {
        Socket.ignoreSIGPIPE()
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port, reusePort: reusePort)
        self.port = port
        let listener = Listener(fd: fd, server: self)
        self.listener = listener
        EventLoop.shared.register(fd, events: UInt32(CSHIM_EPOLLIN), handler: listener)
    }

    /// Runs the event loop on the calling (main) thread until ``stop()``. `@MainActor` tasks run
    /// on the same thread between socket events.
    public func runForever() {
        EventLoop.shared.run()
    }

    /// Lets the main dispatch queue drive the event loop instead, for programs (and test runners)
    /// that already run the main queue. Returns at once.
    public func runOnMainQueue() {
        EventLoop.shared.attachToMainQueue()
    }

    /// Stops accepting, closes every connection (WebSockets with 1001 "going away"), and makes
    /// ``runForever()`` return.
    public func stop() {
        if let listener {
            EventLoop.shared.unregister(listener.fd)
            Socket.close(listener.fd)
            self.listener = nil
        }
        for channel in Array(channels.values) {
            if let session = channel.session as? WebSocketSession {
                session.close(code: .goingAway, reason: "server shutting down")
                channel.flush()
            }
            channel.closeNow()
        }
        EventLoop.shared.stop()
    }

    // MARK: Channels

    fileprivate func accepted(_ fd: Int32) {
        let channel = Channel(fd: fd, server: self)
        channel.session = HTTPSession(channel: channel, server: self)
        channels[ObjectIdentifier(channel)] = channel
        channel.start()
    }

    func isListening(on fd: Int32) -> Bool { listener?.fd == fd }

    func channelClosed(_ channel: Channel) {
        channels[ObjectIdentifier(channel)] = nil
        peakOfClosedChannels = max(peakOfClosedChannels, channel.peakPendingOutputBytes)
    }

    // MARK: Static files

    /// The files served for GET/HEAD requests no route answers (nil serves none).
    public var staticFiles: StaticFiles?

    func staticFile(method: String, rawPath: String, query: String?, headers: HTTPHeaders) -> Response? {
        guard let file = staticFiles?.respond(method: method, rawPath: rawPath, query: query, header: { headers[$0] }) else { return nil }
        return Response(status: file.status, headers: HTTPHeaders(file.headers), body: file.body)
    }
}

/// Accepts connections on the listening socket.
@MainActor
private final class Listener: EventLoopHandler {
    let fd: Int32
    unowned let server: Server

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
            server.accepted(client)
        }
    }

    /// Out of file descriptors: the pending connection stays readable, so stop watching the
    /// listener for a moment instead of spinning on it.
    private func backOff() {
        server.log.error("[server] out of file descriptors (\(server.openConnectionCount) open): not accepting for 250 ms")
        EventLoop.shared.modify(fd, events: 0)
        _ = EventLoop.shared.schedule(at: EventLoop.now() + 250) { [weak self] in
            guard let self, self.server.isListening(on: self.fd) else { return }
            EventLoop.shared.modify(self.fd, events: UInt32(CSHIM_EPOLLIN))
        }
    }
}
