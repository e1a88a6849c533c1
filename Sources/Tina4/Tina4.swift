/// Tina4 Swift: HTTP/1.1 and WebSocket (RFC 6455) on one port, routes for both, Frond templates.
public enum Tina4 {
    /// The framework version shown in the `tina4 serve` banner.
    public static let version = "0.1.0"
}
