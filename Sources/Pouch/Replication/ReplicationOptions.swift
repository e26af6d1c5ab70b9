/// How a replication runs, after the options of CouchDB's `_replicate` and
/// PouchDB's `replicate()`.
public struct ReplicationOptions: Sendable {
    /// Keep running after catching up, waiting for new changes (CouchDB's
    /// `continuous`).
    public var live = false
    /// Retry network errors and server errors (5xx) with `backoff` instead of
    /// ending with an error.
    public var retry = false
    /// How many changes one batch reads (CouchDB's
    /// `worker_batch_size`, PouchDB's `batch_size`). The default, 500, is
    /// CouchDB's: with a remote peer each batch costs a few round trips,
    /// and at most two batches are held at once.
    public var batchSize = 500
    /// Which documents flow; part of the replication id, so changing it
    /// starts from a fresh checkpoint.
    public var filter: ChangesFilter = .none
    /// The waits between retries.
    public var backoff = Backoff()
    /// In live mode, how long one wait for new changes lasts before it is
    /// asked again.
    public var liveTimeout: Duration = .seconds(25)
    /// How many sessions the checkpoint's `history` keeps.
    public var historyLimit = 5
    /// The least time between two checkpoints while batches flow (CouchDB's
    /// `checkpoint_interval`); `.zero` checkpoints after every batch, as
    /// PouchDB does. A checkpoint is also written whenever the replication
    /// catches up, and, for the last stored batch, when it is cancelled or
    /// fails, so only a crash can lose progress since the last one (and
    /// then only time, as the revs diff skips what the target holds).
    public var checkpointInterval: Duration = .seconds(5)

    /// Options with CouchDB's defaults: one-shot, no retry, batches of 500.
    public init(
        live: Bool = false, retry: Bool = false, batchSize: Int = 500,
        filter: ChangesFilter = .none, backoff: Backoff = Backoff()
    ) {
        precondition(batchSize > 0, "batchSize must be positive")
        self.live = live
        self.retry = retry
        self.batchSize = batchSize
        self.filter = filter
        self.backoff = backoff
    }
}
