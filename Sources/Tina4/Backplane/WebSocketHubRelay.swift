/// What a ``WebSocketHub`` tells a backplane, and asks it: the hub's only dependency on one.
///
/// The hub delivers every broadcast to its own connections first, then hands it to the relay,
/// which carries it to the other instances; what comes back from them the relay gives to
/// ``WebSocketHub/deliverRelayed(_:)``. A hub without a relay is local-only.
@MainActor
protocol WebSocketHubRelay: AnyObject {
    /// A broadcast that was just delivered locally, for the other instances.
    func relay(_ payload: BackplaneEnvelope.Payload, toPath path: String, excluding connectionID: String?)
    /// Open connections on `path` on the other instances, as last reported (never waits).
    func remoteCount(path: String) -> Int
    /// The number of local connections on `path` changed.
    func localCountChanged(path: String)
    /// Connected or not, and the envelope counts (for `/metrics` and the dashboard).
    var metrics: BackplaneMetrics { get }
}
