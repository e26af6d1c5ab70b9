/// How long a replication waits before retrying after a network error or a
/// server error (5xx): an initial delay, doubled after each failed attempt
/// up to a cap, as PouchDB's and CouchDB's replicators back off.
public struct Backoff: Sendable, Equatable {
    /// The wait before the first retry.
    public var initialDelay: Duration
    /// What each further wait is multiplied by.
    public var multiplier: Int
    /// The longest wait.
    public var maximumDelay: Duration

    /// A backoff of `initialDelay`, multiplied by `multiplier` after each
    /// failed attempt, never above `maximumDelay`.
    public init(
        initialDelay: Duration = .milliseconds(500), multiplier: Int = 2,
        maximumDelay: Duration = .seconds(60)
    ) {
        precondition(initialDelay >= .zero && multiplier >= 1 && maximumDelay >= .zero)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        var delay = min(initialDelay, maximumDelay)
        for _ in 0..<max(0, attempt) {
            if delay >= maximumDelay { break }
            delay = min(delay * multiplier, maximumDelay)
        }
        return delay
    }

    /// Whether an error is worth retrying: a network failure, a timeout or a
    /// server error. Every other error (401, 403, 404, bad requests) ends the
    /// replication, since repeating the request would fail the same way.
    public static func isTransient(_ error: PouchError) -> Bool {
        if error.code == .network || error.code == .timeout { return true }
        return error.status >= 500 && error.code != .storage
    }
}
