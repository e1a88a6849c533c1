extension ServerMetrics {
    /// Counts a connection the server refused or dropped below the WebSocket layer; called from
    /// ``ChannelGroup/dropped(_:)``, the one place such a decision is reported.
    ///
    /// ```swift
    /// metrics.count(.overConnectionCap(limit: 100_000))   // tina4_connections_refused_total{limit="max_connections"} + 1
    /// ```
    func count(_ drop: ConnectionDrop) {
        switch drop {
        case .overConnectionCap: refusedOverConnectionCap &+= 1
        case .overAddressCap: refusedOverAddressCap &+= 1
        case .outOfFileDescriptors: acceptPauses &+= 1
        case .writeStalled: writeStalledDrops &+= 1
        }
    }
}
