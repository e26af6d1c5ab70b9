/// A live changes feed over any peer that answers one-shot `changes`: it
/// reads batches after the last sequence delivered and, once caught up,
/// asks again after a pause.
///
/// It is the default `liveChanges` of a `DocumentDatabase` that offers no
/// feed of its own; the local `Database` and `RemoteDatabase` have better
/// ones (waking on commit, long polls). Rows, filters and options are those
/// of the peer's `changes`; `limit`, when set, ends the feed after that many
/// changes. Cancelling the iterating task ends it.
// Limitation: it polls, so a change is seen up to `pollInterval` late and an
// idle feed costs one `changes` call per interval.
public struct PolledChangesFeed<Peer: ReplicationPeer>: AsyncSequence, Sendable {
    /// Each element is one change row, as `changes` returns them.
    public typealias Element = Change

    let peer: Peer
    let options: ChangesOptions
    let pollInterval: Duration
    let batchSize: Int

    /// A feed of `peer` that asks for new changes every `pollInterval` once
    /// caught up.
    public init(
        peer: Peer, options: ChangesOptions, pollInterval: Duration = .milliseconds(250)
    ) {
        self.peer = peer
        self.options = options
        self.pollInterval = pollInterval
        self.batchSize = 256
    }

    /// An iterator that starts at `options.since`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, since: options.since)
    }

    /// Reads one batch at a time, as the consumer asks.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: PolledChangesFeed
        var since: ChangesSince
        var batch: [Change] = []
        var index = 0
        var delivered = 0
        var isFinished = false

        init(feed: PolledChangesFeed, since: ChangesSince) {
            self.feed = feed
            self.since = since
        }

        /// The next change, polling until there is one; `nil` once the task
        /// is cancelled or `limit` is reached.
        public mutating func next() async throws -> Change? {
            if isFinished || wanted <= 0 || Task.isCancelled { return nil }
            while index == batch.count {
                if isFinished || Task.isCancelled { return nil }
                if try await !readBatch() { await pause() }
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

        /// Reads the changes after `since`; `false` when there were none.
        private mutating func readBatch() async throws -> Bool {
            var options = feed.options
            options.since = since
            options.descending = false
            options.limit = wanted
            let response = try await feed.peer.changes(options)
            since = .sequence(response.lastSeq)
            batch = response.results
            index = 0
            return !batch.isEmpty
        }

        private mutating func pause() async {
            do { try await Task.sleep(for: feed.pollInterval) } catch { isFinished = true }
        }
    }
}
