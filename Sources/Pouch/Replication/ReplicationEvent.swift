import Foundation

/// What a replication reports as it runs, after PouchDB's replication events
/// (`active`, `change`, `paused`, `denied`, `complete`, `error`).
public enum ReplicationEvent: Sendable, Equatable {
    /// Replicating: started, resumed after a wait, or retrying.
    case active
    /// A batch was stored on the target, with the totals so far.
    case change(ReplicationProgress)
    /// Waiting: caught up in live mode (`nil`), or backing off after a
    /// transient error before a retry (the error).
    case paused(PouchError?)
    /// The target refused a document (`unauthorized` or `forbidden`, as a
    /// validation function answers); counted as a write failure, not retried.
    case denied(id: String, error: PouchError)
    /// The replication ended: caught up (one-shot) or cancelled.
    case complete(ReplicationResult)
    /// The replication ended with an error.
    case error(PouchError)
}

/// The totals of a running replication, after CouchDB's replication task
/// status (`docs_read`, `docs_written`, `doc_write_failures`).
public struct ReplicationProgress: Sendable, Equatable {
    /// Revisions read from the source.
    public var docsRead = 0
    /// Revisions stored on the target.
    public var docsWritten = 0
    /// Revisions the target refused or that could not be read.
    public var docWriteFailures = 0
    /// Revisions the revs diff asked about (`missing_checked`).
    public var missingChecked = 0
    /// Revisions the target lacked (`missing_found`).
    public var missingFound = 0
    /// Changes the source says follow the last batch, when it says.
    public var pending: Int?
    /// The source sequence up to which every change is stored.
    public var lastSeq: JSON?

    /// Zero totals, nothing checkpointed.
    public init() {}
}

/// How a replication ended.
public enum ReplicationStatus: String, Sendable, Equatable {
    /// Caught up with the source (one-shot).
    case complete
    /// Stopped by `cancel()` or task cancellation; its checkpoint stays.
    case cancelled
}

/// The totals of a finished replication, after the answer of CouchDB's
/// `_replicate` and PouchDB's `complete` event.
public struct ReplicationResult: Sendable, Equatable {
    /// Caught up or cancelled.
    public var status: ReplicationStatus
    /// Revisions read from the source (`docs_read`).
    public var docsRead: Int
    /// Revisions stored on the target (`docs_written`).
    public var docsWritten: Int
    /// Revisions refused or unreadable (`doc_write_failures`).
    public var docWriteFailures: Int
    /// The last source sequence checkpointed (`nil` if none was read).
    public var lastSeq: JSON?
    /// When the replication started.
    public var startTime: Date
    /// When it ended.
    public var endTime: Date

    /// The result of a replication that ended with `status` and `progress`.
    public init(
        status: ReplicationStatus, progress: ReplicationProgress, startTime: Date,
        endTime: Date
    ) {
        self.status = status
        self.docsRead = progress.docsRead
        self.docsWritten = progress.docsWritten
        self.docWriteFailures = progress.docWriteFailures
        self.lastSeq = progress.lastSeq
        self.startTime = startTime
        self.endTime = endTime
    }
}
