/// Whether an accepted connection may stay: at most ``maxConnections`` open in all, and at most
/// ``maxPerAddress`` from one IP address (0: no per-address cap, the default, because behind a
/// proxy every client shares its address).
///
/// Per-address counting is O(1) per accept and close and its memory is bounded by the open
/// connections: a dictionary from address to count that drops an address at zero, and the
/// address of each counted fd (needed at close, when the peer may be gone). With the cap off
/// nothing is stored and no address is looked up.
///
/// ```swift
/// var admission = ConnectionAdmission(maxConnections: 2, maxPerAddress: 1)
/// admission.admit(fd, openConnections: 0)   // nil: admitted (and counted)
/// admission.released(fd)                    // when it closes
/// ```
struct ConnectionAdmission {
    let maxConnections: Int
    let maxPerAddress: Int
    private var openPerAddress: [PeerAddress: Int32] = [:]
    private var addressOfSocket: [Int32: PeerAddress] = [:]

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Admits (and counts) the connection on `fd`, or says why it is refused.
    /// `openConnections` is how many are open without it.
    mutating func admit(_ fd: Int32, openConnections: Int) -> ConnectionDrop? {
        if openConnections >= maxConnections { return .overConnectionCap(limit: maxConnections) }
        guard maxPerAddress > 0, let address = PeerAddress(ofSocket: fd) else { return nil }
        let open = openPerAddress[address, default: 0]
        if open >= maxPerAddress { return .overAddressCap(address: address, limit: maxPerAddress) }
        openPerAddress[address] = open + 1
        addressOfSocket[fd] = address
        return nil
    }

    /// The connection on `fd` closed.
    mutating func released(_ fd: Int32) {
        guard maxPerAddress > 0, let address = addressOfSocket.removeValue(forKey: fd) else { return }
        let open = (openPerAddress[address] ?? 1) - 1
        openPerAddress[address] = open > 0 ? open : nil
    }

    /// Addresses with connections open (for tests: entries go at zero).
    var countedAddresses: Int { openPerAddress.count }
}
