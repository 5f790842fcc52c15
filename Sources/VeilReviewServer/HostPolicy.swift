/// Which `Host` values the review server answers: its own loopback address and port, nothing
/// else. A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own
/// name as `Host`, so this check (made before anything else, the token exchange included)
/// keeps it out.
public struct HostPolicy: Sendable, Hashable {
    /// Every accepted `Host` value, exactly (`127.0.0.1:PORT`, `localhost:PORT`).
    public var accepted: Set<String>

    /// The policy of a server listening on `127.0.0.1:port`.
    public init(port: Int) {
        accepted = ["127.0.0.1:\(port)", "localhost:\(port)"]
    }

    /// A policy accepting exactly `accepted` (tests drive the server without a socket, where
    /// the testing framework names the host `localhost` without a port).
    public init(accepting accepted: Set<String>) {
        self.accepted = accepted
    }

    /// Whether a request naming these hosts is answered: at least one, and every one accepted
    /// (HTTP/1 puts the first `Host` header in the authority and keeps any further one among
    /// the headers; a second, foreign `Host` is refused too). Compared case-insensitively.
    public func accepts(_ hosts: [String]) -> Bool {
        !hosts.isEmpty && hosts.allSatisfy { accepted.contains($0.lowercased()) }
    }
}
