import Foundation

/// How long a `RemoteDatabase` waits for a server.
public struct RemoteTimeouts: Sendable, Equatable {
    /// How long to wait for the next bytes of an answer (the first bytes,
    /// or more after a pause) before giving up with `timeout`. A long poll
    /// adds its own `timeout` to this.
    public var request: Duration
    /// The longest a whole exchange may take, however steadily bytes arrive.
    public var resource: Duration

    /// Timeouts of 60 seconds between bytes and an hour per exchange.
    public init(request: Duration = .seconds(60), resource: Duration = .seconds(3600)) {
        self.request = request
        self.resource = resource
    }
}

extension Duration {
    /// This duration in seconds, as Foundation takes it.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
