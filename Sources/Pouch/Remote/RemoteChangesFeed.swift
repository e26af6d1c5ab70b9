/// A remote database's live changes feed: every change after `since`, then
/// each new change as it happens, for as long as it is iterated.
///
/// Reproduces CouchDB's `feed=longpoll` loop: each request waits on the
/// server until a change arrives (or its `timeout` passes, with `heartbeat`
/// newlines keeping the connection alive), then the next request starts from
/// the `last_seq` of the one before. When a connection drops, times out or
/// meets a 5xx, the feed waits (doubling the wait up to a maximum) and
/// resumes from the last sequence it delivered, so no change is lost or
/// repeated. Any other error, such as 401 or 404, ends the iteration with
/// that error; cancelling the iterating task ends it quietly. As with a
/// local feed, `limit` ends the feed after that many changes and
/// `descending` is ignored.
///
/// ```swift
/// for try await change in db.liveChanges(ChangesOptions(since: .now)) {
///     print(change.id)
/// }
/// ```
// Limitation: long polls only, never `feed=continuous`: Foundation on Linux
// has no streaming byte API, so each batch costs one request.
public struct RemoteChangesFeed: AsyncSequence, Sendable {
    /// Each element is one change row, as `changes` returns them.
    public typealias Element = Change

    let database: RemoteDatabase
    let options: ChangesOptions
    let reconnectDelay: Duration
    let maximumReconnectDelay: Duration

    /// An iterator that starts at `options.since`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, since: options.since)
    }

    /// Reads one long-poll batch at a time, as the consumer asks.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: RemoteChangesFeed
        var since: ChangesSince
        var batch: [Change] = []
        var position = 0
        var failures = 0
        /// How many changes were returned, for `limit`.
        var delivered = 0
        var isFinished = false

        init(feed: RemoteChangesFeed, since: ChangesSince) {
            self.feed = feed
            self.since = since
        }

        /// The next change, waiting for one to happen; `nil` once the task
        /// is cancelled or `limit` changes were returned.
        public mutating func next() async throws -> Change? {
            if let limit = feed.options.limit, delivered >= limit { return nil }
            while position == batch.count {
                if isFinished || Task.isCancelled { return nil }
                try await fetchBatch()
            }
            defer {
                position += 1
                delivered += 1
            }
            return batch[position]
        }

        /// One long poll for at most the changes `limit` still allows, in
        /// sequence order; on a transient failure, a pause before the
        /// caller loops into the next try.
        private mutating func fetchBatch() async throws {
            var options = feed.options
            options.since = since
            options.descending = false
            options.limit = feed.options.limit.map { Swift.max($0 - delivered, 1) }
            do {
                let response = try await feed.database.changes(options, longPoll: true)
                batch = response.results
                position = 0
                since = .sequence(response.lastSeq)
                failures = 0
            } catch let error as PouchError where error.code == .cancelled {
                isFinished = true
            } catch let error as PouchError where Self.isTransient(error) {
                await pause(after: error)
            }
        }

        private mutating func pause(after error: PouchError) async {
            let factor = 1 << Swift.min(failures, 20)
            let delay = Swift.min(feed.reconnectDelay * factor, feed.maximumReconnectDelay)
            failures += 1
            Logger.changes.info(
                "live changes of \(feed.database.identity): \(error); retrying in \(delay)")
            do {
                try await Task.sleep(for: delay)
            } catch {
                isFinished = true
            }
        }

        /// Whether a failure is worth a new connection: no complete answer,
        /// or a server error.
        static func isTransient(_ error: PouchError) -> Bool {
            switch error.code {
            case .network, .timeout, .badResponse: return true
            default: return error.status >= 500
            }
        }
    }
}

extension RemoteDatabase {
    /// The live changes feed: `feed=longpoll` requests one after another,
    /// resuming after dropped connections. See `RemoteChangesFeed`.
    ///
    /// `options.heartbeat` defaults to 10 seconds; `options.limit`, when
    /// set, ends the feed after that many changes.
    ///
    /// - Parameters:
    ///   - reconnectDelay: The first wait after a failed request.
    ///   - maximumReconnectDelay: The longest wait between tries.
    public func liveChanges(
        _ options: ChangesOptions, reconnectDelay: Duration = .milliseconds(500),
        maximumReconnectDelay: Duration = .seconds(30)
    ) -> RemoteChangesFeed {
        var options = options
        if options.heartbeat == nil { options.heartbeat = 10_000 }
        return RemoteChangesFeed(
            database: self, options: options, reconnectDelay: reconnectDelay,
            maximumReconnectDelay: maximumReconnectDelay)
    }
}
