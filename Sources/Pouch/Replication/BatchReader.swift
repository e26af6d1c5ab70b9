/// The reading half of a replication batch, after CouchDB's replicator
/// workers: the changes after a sequence (`style=all_docs`), the target's
/// revs diff, and a bulk get of the missing revisions with their histories
/// and attachments. What it reads is written by the `Replicator`.
///
/// As soon as a batch's changes are read, the changes of the next one are
/// asked for (the feed is paged by sequence, so only one changes read runs
/// at a time) while this batch's revs diff and bulk get run, and the
/// replicator writes the batches before (at most two at once).
///
/// `Sendable` and free of the replicator's state, so it runs on tasks of
/// its own; its counts travel in the `FetchedBatch` it returns.
struct BatchReader: Sendable {
    let source: any ReplicationPeer
    let target: any ReplicationPeer
    let options: ReplicationOptions
    let retrier: Retrier
    /// Skip the revs diff: the target held no documents when the
    /// replication started from scratch, so it lacks every revision, and
    /// asking would cost a round trip per batch for nothing. Writing a
    /// revision a target already holds (another writer's) changes nothing
    /// with `new_edits=false`, so this stays correct either way.
    var targetStartedEmpty = false

    /// Starts reading the changes after `since` on a task of its own.
    func startChanges(since: JSON?) -> Task<ChangesBatch, any Error> {
        Task {
            let clock = ContinuousClock()
            let start = clock.now
            var batch = try await retrier.run {
                try await ChangesBatch.read(from: source, since: since, options: options)
            }
            batch.readTime = clock.now - start
            return batch
        }
    }

    /// Starts reading the documents of the batch `changes` answers, on a
    /// task of its own.
    func start(changes: Task<ChangesBatch, any Error>) -> Task<FetchedBatch, any Error> {
        Task { try await read(changes: changes) }
    }

    /// The batch `changes` answers, with the revisions the target lacks,
    /// and the read of the next batch's changes already started unless
    /// this one is short (caught up).
    func read(changes: Task<ChangesBatch, any Error>) async throws -> FetchedBatch {
        let batch = try await BatchReader.value(of: changes)
        var fetched = FetchedBatch(changes: batch)
        fetched.timings.changes = batch.readTime
        if batch.sourceCount >= options.batchSize {
            fetched.nextChanges = startChanges(since: batch.lastSeq)
        }
        do {
            guard !batch.changes.isEmpty else { return fetched }
            let requests = try await missingRevisions(of: batch.changes, into: &fetched)
            guard !requests.isEmpty else { return fetched }
            try Task.checkCancellation()
            try await fetch(requests, into: &fetched)
            return fetched
        } catch {
            fetched.nextChanges?.cancel()
            throw error
        }
    }

    /// What `task` answers; cancelling the caller cancels it.
    static func value<T: Sendable>(of task: Task<T, any Error>) async throws -> T {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// A bulk get request per revision the target's revs diff says it
    /// lacks.
    private func missingRevisions(
        of changes: [Change], into fetched: inout FetchedBatch
    ) async throws -> [BulkGetRequest] {
        // Every revision is missing: no revs diff, and no table of them
        // unless a document is listed twice.
        if targetStartedEmpty, let requests = BatchReader.bulkGetRequests(for: changes) {
            fetched.missingChecked = requests.count
            fetched.missingFound = requests.count
            return requests
        }
        var revisions: [String: [RevisionID]] = [:]
        for change in changes { revisions[change.id, default: []] += change.changes }
        fetched.missingChecked = revisions.values.reduce(0) { $0 + $1.count }
        let diff: [String: RevsDiffResult]
        if targetStartedEmpty {
            diff = revisions.mapValues { RevsDiffResult(missing: $0) }
        } else {
            diff = try await StageTimings.timing(&fetched.timings.revsDiff) {
                try await retrier.run { try await target.revsDiff(revisions) }
            }
        }
        let requests = BatchReader.bulkGetRequests(for: changes, diff: diff)
        fetched.missingFound = requests.count
        return requests
    }

    /// A request per revision of the changes, in their order, for a target
    /// that lacks them all; `nil` when a document is listed twice.
    static func bulkGetRequests(for changes: [Change]) -> [BulkGetRequest]? {
        var requests: [BulkGetRequest] = []
        requests.reserveCapacity(changes.count)
        var seen: Set<String> = []
        seen.reserveCapacity(changes.count)
        for change in changes {
            guard seen.insert(change.id).inserted else { return nil }
            for rev in change.changes { requests.append(BulkGetRequest(id: change.id, rev: rev)) }
        }
        return requests
    }

    /// A request per missing revision, in the order of the changes, each
    /// with the target's possible ancestors as `atts_since` so attachments
    /// travel only with the revisions that add them.
    static func bulkGetRequests(
        for changes: [Change], diff: [String: RevsDiffResult]
    ) -> [BulkGetRequest] {
        var requests: [BulkGetRequest] = []
        var seen: Set<String> = []
        for change in changes where seen.insert(change.id).inserted {
            guard let result = diff[change.id] else { continue }
            let ancestors = result.possibleAncestors.isEmpty ? nil : result.possibleAncestors
            for rev in result.missing {
                requests.append(BulkGetRequest(id: change.id, rev: rev, attsSince: ancestors))
            }
        }
        return requests
    }

    /// Reads the missing revisions with their histories and attachments;
    /// a revision that cannot be read counts as a failure.
    private func fetch(
        _ requests: [BulkGetRequest], into fetched: inout FetchedBatch
    ) async throws {
        let revisions = try await StageTimings.timing(&fetched.timings.bulkGet) {
            try await bulkGet(requests)
        }
        fetched.docs.reserveCapacity(requests.count)
        for revision in revisions {
            switch revision {
            case .found(let doc):
                fetched.docs.append(doc)
            case .failed(let id, let rev, let error):
                Logger.replication.warning("cannot read \(id) \(rev ?? ""): \(error)")
                fetched.readFailures += 1
            }
        }
    }
}

extension BatchReader {
    /// A bulk get this large is asked as two requests at once, so the
    /// source serves them on two connections (two server threads) and the
    /// two answers are decoded in parallel.
    static let splitBulkGetAt = 256

    /// `requests` answered in order, in two concurrent halves when large;
    /// as text when the target takes documents as text, since nothing
    /// between source and target looks into them.
    fileprivate func bulkGet(_ requests: [BulkGetRequest]) async throws -> [ReplicatedRevision] {
        let options = BulkGetOptions(revs: true, attachments: true)
        let (source, retrier) = (self.source, self.retrier)
        let asText = target.acceptsDocumentText
        let read = { @Sendable (part: [BulkGetRequest]) async throws -> [ReplicatedRevision] in
            try await retrier.run {
                try await source.bulkGetForReplication(part, options: options, asText: asText)
            }
        }
        guard requests.count >= Self.splitBulkGetAt else { return try await read(requests) }
        let middle = requests.count / 2
        let (front, back) = (Array(requests[..<middle]), Array(requests[middle...]))
        async let first = read(front)
        let second = try await read(back)
        return try await first + second
    }
}

/// One batch read by a `BatchReader`: the changes, the documents to write,
/// and the counts the replication's progress adds up.
struct FetchedBatch: Sendable {
    var changes: ChangesBatch
    /// The read of the next batch's changes, started once these arrived;
    /// `nil` when this batch is the last (short) one.
    var nextChanges: Task<ChangesBatch, any Error>?
    var timings = StageTimings()
    var docs: [ReplicatedDocument] = []
    /// Revisions the revs diff asked about.
    var missingChecked = 0
    /// Revisions the target lacked.
    var missingFound = 0
    /// Missing revisions the source could not answer.
    var readFailures = 0
}
