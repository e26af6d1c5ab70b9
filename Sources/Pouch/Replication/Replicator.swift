import Foundation

/// The replication loop of CouchDB's protocol, run once by a `Replication`:
/// checkpoint, then per batch changes, revs diff, bulk get, bulk docs and
/// checkpoint again, reading the next batch while the current one is
/// written.
///
/// Not `Sendable`: it lives inside the replication's task.
final class Replicator {
    let source: any ReplicationPeer
    let target: any ReplicationPeer
    let options: ReplicationOptions
    let emit: @Sendable (ReplicationEvent) -> Void
    private(set) var progress = ReplicationProgress()
    private var checkpointer: Checkpointer
    private var checkpointedSeq: JSON?

    init(
        source: any ReplicationPeer, target: any ReplicationPeer, id: ReplicationID,
        options: ReplicationOptions, emit: @escaping @Sendable (ReplicationEvent) -> Void
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.emit = emit
        self.checkpointer = Checkpointer(
            source: source, target: target, id: id, historyLimit: options.historyLimit)
    }

    /// Replicates until caught up (one-shot) or until cancelled (live).
    func run() async throws {
        emit(.active)
        var since = try await retrying { try await self.checkpointer.read() }
        checkpointedSeq = since
        progress.lastSeq = since
        Logger.replication.info(
            "replicating \(redactingPassword(source.identity)) since \(since ?? "start")")

        var prefetch: Task<ChangesBatch, any Error>? = nil
        defer { prefetch?.cancel() }
        while true {
            try Task.checkCancellation()
            let batch = try await nextBatch(since: since, prefetched: prefetch)
            let caughtUp = batch.sourceCount < options.batchSize
            prefetch = caughtUp ? nil : readAhead(since: batch.lastSeq)

            try await replicate(batch.changes)
            since = batch.lastSeq
            progress.pending = batch.pending
            try await checkpoint(since)
            if !batch.changes.isEmpty { emit(.change(progress)) }

            guard caughtUp else { continue }
            guard options.live, let since else { return }
            try await waitForChanges(since: since, lastBatchWasEmpty: batch.sourceCount == 0)
        }
    }

    // MARK: Changes

    private func readAhead(since: JSON) -> Task<ChangesBatch, any Error> {
        let source = self.source
        let options = self.options
        return Task {
            try await ChangesBatch.read(from: source, since: since, options: options)
        }
    }

    /// The prefetched batch, or a fresh read when there is none or it failed
    /// transiently.
    private func nextBatch(
        since: JSON?, prefetched: Task<ChangesBatch, any Error>?
    ) async throws -> ChangesBatch {
        var pending = prefetched
        return try await retrying {
            if let task = pending {
                pending = nil
                return try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
            }
            return try await ChangesBatch.read(
                from: self.source, since: since, options: self.options)
        }
    }

    /// Live mode, caught up: reports `paused` and waits for the source to
    /// have a change after `since`.
    private func waitForChanges(since: JSON, lastBatchWasEmpty: Bool) async throws {
        emit(.paused(nil))
        // A source whose filtered feed does not move `last_seq` past changes
        // the filter drops would wake at once; pause between such wakes.
        if lastBatchWasEmpty { try await Task.sleep(for: .milliseconds(200)) }
        while true {
            // A peer may answer `false` when cancelled instead of throwing.
            try Task.checkCancellation()
            let hasChanges = try await retrying {
                try await self.source.waitForChanges(
                    since: since, timeout: self.options.liveTimeout)
            }
            if hasChanges { break }
        }
        emit(.active)
    }

    // MARK: Revs diff, bulk get, bulk docs

    /// Copies to the target every revision of `changes` it lacks.
    private func replicate(_ changes: [Change]) async throws {
        guard !changes.isEmpty else { return }
        var revisions: [String: [RevisionID]] = [:]
        for change in changes { revisions[change.id, default: []] += change.changes }
        progress.missingChecked += revisions.values.reduce(0) { $0 + $1.count }

        let diff = try await retrying { try await self.target.revsDiff(revisions) }
        let requests = Replicator.bulkGetRequests(for: changes, diff: diff)
        progress.missingFound += requests.count
        guard !requests.isEmpty else { return }

        try Task.checkCancellation()
        let docs = try await fetch(requests)
        try Task.checkCancellation()
        try await store(docs[...])
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

    /// Reads the missing revisions with their histories and attachments.
    private func fetch(_ requests: [BulkGetRequest]) async throws -> [JSON] {
        let options = BulkGetOptions(revs: true, attachments: true)
        let results = try await retrying {
            try await self.source.bulkGet(requests, options: options)
        }
        var docs: [JSON] = []
        for result in results {
            for item in result.docs {
                switch item {
                case .ok(let doc):
                    docs.append(doc)
                case .error(let id, let rev, let error):
                    Logger.replication.warning("cannot read \(id) \(rev ?? ""): \(error)")
                    progress.docWriteFailures += 1
                }
            }
        }
        progress.docsRead += docs.count
        return docs
    }

    /// Writes `docs` with `new_edits=false`; a 413 splits them in halves
    /// until they fit, and a single document still too large is a failure.
    private func store(_ docs: ArraySlice<JSON>) async throws {
        guard !docs.isEmpty else { return }
        do {
            let batch = Array(docs)
            let results = try await retrying {
                try await self.target.bulkDocs(batch, newEdits: false)
            }
            record(results, sent: docs.count)
        } catch let error as PouchError where error.status == 413 {
            guard docs.count > 1 else {
                let id = docs.first?["_id"]?.stringValue ?? ""
                Logger.replication.warning("document \(id) too large for the target")
                progress.docWriteFailures += 1
                return
            }
            let middle = docs.startIndex + docs.count / 2
            try await store(docs[..<middle])
            try await store(docs[middle...])
        }
    }

    /// Counts what `bulkDocs` stored; a document refused as `unauthorized`
    /// or `forbidden` is reported as `denied`.
    private func record(_ results: [BulkDocsResult], sent: Int) {
        var failures = 0
        for result in results {
            guard let error = result.error else { continue }
            failures += 1
            if error.code == .forbidden || error.code == .unauthorized {
                emit(.denied(id: result.id, error: error))
            } else {
                Logger.replication.warning("target refused \(result.id): \(error)")
            }
        }
        progress.docWriteFailures += failures
        progress.docsWritten += sent - failures
    }

    // MARK: Checkpoint

    private func checkpoint(_ seq: JSON?) async throws {
        guard let seq, seq != checkpointedSeq else { return }
        try Task.checkCancellation()
        let progress = self.progress
        try await retrying { try await self.checkpointer.write(seq: seq, progress: progress) }
        checkpointedSeq = seq
        self.progress.lastSeq = seq
    }

    // MARK: Errors

    /// Runs `body`, retrying transient errors with backoff when `retry` is
    /// on; reports `paused(error)` before each wait and `active` after a
    /// success that follows a failure.
    private func retrying<T>(_ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                let value = try await body()
                if attempt > 0 { emit(.active) }
                return value
            } catch {
                let failure = try Replicator.pouchError(error)
                guard options.retry, Backoff.isTransient(failure) else { throw failure }
                let delay = options.backoff.delay(attempt: attempt)
                Logger.replication.info("retrying in \(delay) after \(failure)")
                emit(.paused(failure))
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// `error` as a `PouchError`; rethrows cancellation as is.
    static func pouchError(_ error: any Error) throws -> PouchError {
        if error is CancellationError || Task.isCancelled { throw CancellationError() }
        if let error = error as? PouchError { return error }
        return PouchError(.internalError, "\(error)", status: 500)
    }
}
