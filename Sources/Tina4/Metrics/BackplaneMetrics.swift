/// What a backplane reports to `/metrics` and the dashboard: whether it is connected, and how
/// many envelopes it published, received, queued while Redis was away, and dropped.
///
/// ```swift
/// if let backplane = hub.backplaneMetrics { print(backplane.connected, backplane.published) }
/// ```
public struct BackplaneMetrics: Sendable, Equatable {
    /// Both Redis connections are up.
    public var connected: Bool
    /// Envelopes Redis acknowledged.
    public var published: Int
    /// Envelopes from other instances delivered here.
    public var received: Int
    /// Envelopes queued while the publishing connection was down.
    public var queuedWhileDisconnected: Int
    /// Envelopes dropped: the queue was full, or Redis refused the PUBLISH.
    public var dropped: Int
}
