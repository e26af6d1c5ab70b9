extension Database {
    /// The live changes feed, after CouchDB's `feed=continuous`: what is
    /// there after `options.since`, then every commit's changes as they
    /// happen. See `LocalChangesFeed`.
    ///
    /// Filters, `style`, `include_docs`, `conflicts` and `attachments` act
    /// as in `changes`; `limit`, when set, ends the feed after that many
    /// changes; `descending` is ignored, as a live feed runs forward.
    /// A malformed `since` or a `.server` filter throws `bad_request` from
    /// the first `next()`.
    public func liveChanges(_ options: ChangesOptions) -> LocalChangesFeed {
        liveChanges(options, batchSize: 256)
    }

    /// The live feed, reading at most `batchSize` rows at a time.
    func liveChanges(_ options: ChangesOptions, batchSize: Int) -> LocalChangesFeed {
        precondition(batchSize > 0, "a live feed reads at least one row at a time")
        return LocalChangesFeed(database: self, options: options, batchSize: batchSize)
    }

    /// Waits until the changes feed holds a change after `since`, or until
    /// `timeout` passes; `true` when a change is there. It wakes on commit,
    /// as CouchDB's `feed=longpoll` does; commits by another process on the
    /// same file signal nothing here, so it also looks every
    /// `foreignWriteInterval`.
    ///
    /// Throws `bad_request` for a malformed `since`, and `CancellationError`
    /// when the task is cancelled while waiting.
    public func waitForChanges(since: JSON, timeout: Duration) async throws -> Bool {
        let position = try Database.sequenceNumber(since)
        let probe = ChangesOptions(since: .sequence(.int(position)), limit: 1)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var seen = position
        while true {
            // Subscribed before the probe, so a commit after it is not
            // missed; a stream that stopped waiting is spent, so each round
            // subscribes anew.
            let commits = observers.stream()
            if try await !changes(probe).results.isEmpty { return true }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            // A commit that left no row after `since` (a purge) wakes the
            // loop without ending the wait.
            let wait = await commits.firstCommit(
                after: seen, within: min(left, Database.foreignWriteInterval))
            try Task.checkCancellation()
            switch wait {
            case .committed(let sequence): seen = sequence
            case .timedOut: continue
            case .ended: return false
            }
        }
    }

    /// How often `waitForChanges` looks for commits made by other processes.
    static let foreignWriteInterval: Duration = .seconds(1)
}
