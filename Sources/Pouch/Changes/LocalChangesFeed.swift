/// A local database's live changes feed: every change after `since`, then
/// each commit's changes as they happen, for as long as it is iterated.
///
/// Reproduces CouchDB's `feed=continuous`: rows come in sequence order, one
/// per document at its latest sequence, with the same filters, `style`,
/// `include_docs` and `conflicts` as the one-shot `changes`. The feed
/// listens for commits before it reads what is already there, and reads
/// everything by sequence range from the last sequence it delivered, so no
/// change is missed or repeated between the backlog and the live part.
///
/// A writer never waits for a feed: a feed remembers only the newest
/// sequence committed and reads the rows it lacks from the database, in
/// batches, when its consumer asks. Many feeds can follow one database.
/// Iteration ends when the task is cancelled, when `limit` changes were
/// delivered, or when the database is destroyed. With `since: .now` the
/// feed starts at the database's sequence when iteration begins.
///
/// ```swift
/// for try await change in db.liveChanges(ChangesOptions(since: .now)) {
///     print(change.id)
/// }
/// ```
///
/// - Complexity: each batch is a range scan of the sequence index from the
///   last sequence delivered.
public struct LocalChangesFeed: AsyncSequence, Sendable {
    /// Each element is one change row, as `changes` returns them.
    public typealias Element = Change

    let database: Database
    let options: ChangesOptions
    /// The most rows one read brings into memory.
    let batchSize: Int

    /// An iterator that listens for commits from now on and starts at
    /// `options.since`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, commits: database.observers.stream())
    }

    /// Reads a batch of rows at a time, as the consumer asks, and waits
    /// for a commit once it has delivered everything.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: LocalChangesFeed
        var commits: AsyncStream<Int64>.Iterator
        /// The last sequence read; `nil` until `since` is resolved.
        var position: Int64?
        var matcher: Database.ChangeMatcher?
        var batch: [Change] = []
        var index = 0
        var delivered = 0
        var isFinished = false

        init(feed: LocalChangesFeed, commits: AsyncStream<Int64>) {
            self.feed = feed
            self.commits = commits.makeAsyncIterator()
        }

        /// The next change, waiting for a commit when there is none; `nil`
        /// once the task is cancelled, `limit` is reached or the database
        /// is destroyed.
        public mutating func next() async throws -> Change? {
            if isFinished || isAtLimit || Task.isCancelled { return finish() }
            while index == batch.count {
                if try await !readBatch(), await !waitForCommit() { return finish() }
                if Task.isCancelled { return finish() }
            }
            defer { index += 1 }
            delivered += 1
            return batch[index]
        }

        /// The most rows the next read may bring: `limit` counts rows
        /// delivered over the whole feed.
        private var wanted: Int {
            Swift.min(feed.batchSize, feed.options.limit.map { $0 - delivered } ?? Int.max)
        }

        private var isAtLimit: Bool { wanted <= 0 }

        private mutating func finish() -> Change? {
            isFinished = true
            batch = []
            index = 0
            return nil
        }

        /// Reads the rows after `position`; `false` when there were none or
        /// the database is gone.
        private mutating func readBatch() async throws -> Bool {
            let since = try await resolvedPosition()
            var query = feed.options
            query.descending = false
            query.limit = wanted
            let options = query
            let matcher = try compiledMatcher()
            let response: ChangesResponse
            do {
                response = try await feed.database.read { store in
                    try store.changes(options, since: since, matches: matcher)
                }
            } catch let error as PouchError where error.code == .notFound {
                // The database was destroyed: the feed ends, as CouchDB's
                // continuous feed does when its database is deleted.
                isFinished = true
                return false
            }
            self.position = try Database.sequenceNumber(response.lastSeq)
            batch = response.results
            index = 0
            return !batch.isEmpty
        }

        /// The last sequence read; on the first call `since` as a number,
        /// the database's current sequence for `.now`.
        private mutating func resolvedPosition() async throws -> Int64 {
            if let position { return position }
            var start = try Database.startSequence(feed.options.since, descending: false)
            if start == nil {
                start = try await feed.database.read { store in try store.counters().updateSeq }
            }
            position = start
            return start ?? 0
        }

        private mutating func compiledMatcher() throws -> Database.ChangeMatcher {
            if let matcher { return matcher }
            let compiled = try Database.matcher(for: feed.options.filter)
            matcher = compiled
            return compiled
        }

        /// Waits for a commit past `position`; `false` when the stream
        /// ended (task cancelled or database destroyed).
        private mutating func waitForCommit() async -> Bool {
            if isFinished { return false }
            while let sequence = await commits.next() {
                if sequence > position ?? -1 { return true }
            }
            return false
        }
    }
}
