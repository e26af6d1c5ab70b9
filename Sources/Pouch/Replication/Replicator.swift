import Foundation

/// The replication loop of CouchDB's protocol, run once by a `Replication`:
/// checkpoint, then per batch changes, revs diff, bulk get, bulk docs and
/// checkpoint again.
///
/// Reading and writing overlap: while batches N and N+1 are written to the
/// target, a `BatchReader` reads batch N+2 (its changes, the target's revs
/// diff and the bulk get). Batches are counted and checkpointed strictly
/// in order, each once every batch up to it is stored, so a checkpoint
/// still names only a sequence whose every change is stored.
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
    private var lastCheckpoint = ContinuousClock.now
    private let retrier: Retrier
    private var timings = StageTimings()

    init(
        source: any ReplicationPeer, target: any ReplicationPeer, id: ReplicationID,
        options: ReplicationOptions, emit: @escaping @Sendable (ReplicationEvent) -> Void
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.emit = emit
        self.retrier = Retrier(options: options, emit: emit)
        self.checkpointer = Checkpointer(
            source: source, target: target, id: id, historyLimit: options.historyLimit)
    }

    /// Replicates until caught up (one-shot) or until cancelled (live).
    func run() async throws {
        emit(.active)
        let start = try await retrier.run { try await self.checkpointer.read() }
        checkpointedSeq = start
        progress.lastSeq = start
        Logger.replication.info(
            "replicating \(redactingPassword(source.identity)) since \(start ?? "start")")
        defer { Logger.replication.debug("replication timings: \(timings.summary)") }
        do {
            try await replicate(since: start)
        } catch {
            await checkpointOnExit()
            throw error
        }
    }

    /// The batches after `start`: each read while the ones before are
    /// written, then written, and once stored counted and checkpointed
    /// when due, in order.
    ///
    /// Two batches may be written at once: batch N+1 is sent as soon as it
    /// is read, while the target still stores batch N (a remote target
    /// parses one request while it writes the other). With
    /// `new_edits=false` the order of writes does not matter; the
    /// checkpoint still waits until every batch up to its sequence is
    /// stored.
    private func replicate(since start: JSON?) async throws {
        var reader = BatchReader(
            source: source, target: target, options: options, retrier: retrier)
        reader.targetStartedEmpty = start == nil ? await targetIsEmpty() : false
        var next: Task<FetchedBatch, any Error>? = reader.start(
            changes: reader.startChanges(since: start))
        var nextChanges: Task<ChangesBatch, any Error>? = nil
        var writing: BatchWrite? = nil
        defer {
            next?.cancel()
            nextChanges?.cancel()
            writing?.task.cancel()
        }
        while let reading = next {
            let fetched = try await StageTimings.timing(&timings.waitingForReads) {
                try await BatchReader.value(of: reading)
            }
            timings.add(reads: fetched.timings)
            nextChanges = fetched.nextChanges
            next = nextChanges.map { reader.start(changes: $0) }

            let started = startWrite(fetched)
            if let previous = writing { try await finish(previous) }
            writing = started
            let caughtUp = fetched.nextChanges == nil
            guard caughtUp else { continue }
            writing = nil
            try await finish(started)

            guard options.live else { continue }
            // Once caught up, other writers may have filled the target.
            reader.targetStartedEmpty = false
            let batch = fetched.changes
            try await waitForChanges(
                since: batch.lastSeq, lastBatchWasEmpty: batch.sourceCount == 0)
            next = reader.start(changes: reader.startChanges(since: batch.lastSeq))
        }
    }

    // Limitation: while a replication to a target that started empty
    // catches up, a revision another writer gives the target meanwhile is
    // sent again (and counted as written); the target keeps it unchanged.
    /// Whether the target holds no documents, live or deleted, so the first
    /// pass of a replication from scratch may skip the revs diff.
    private func targetIsEmpty() async -> Bool {
        guard let info = try? await target.info() else { return false }
        return info.docCount == 0 && info.docDelCount == 0
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
            let hasChanges = try await retrier.run {
                try await self.source.waitForChanges(
                    since: since, timeout: self.options.liveTimeout)
            }
            if hasChanges { break }
        }
        emit(.active)
    }

    // MARK: Bulk docs

    /// A batch being written: its changes and counts, and the write.
    private struct BatchWrite {
        var fetched: FetchedBatch
        var task: Task<BatchWriter.Outcome, any Error>
        var caughtUp: Bool { fetched.nextChanges == nil }
    }

    /// Counts what the reader found and starts writing its documents on a
    /// task of its own.
    private func startWrite(_ fetched: FetchedBatch) -> BatchWrite {
        progress.missingChecked += fetched.missingChecked
        progress.missingFound += fetched.missingFound
        progress.docsRead += fetched.docs.count
        progress.docWriteFailures += fetched.readFailures
        let writer = BatchWriter(target: target, retrier: retrier, emit: emit)
        let docs = fetched.docs
        var stored = fetched
        stored.docs = []
        return BatchWrite(
            fetched: stored,
            task: Task {
                try Task.checkCancellation()
                return try await writer.store(docs)
            })
    }

    /// Waits until `write` is stored, counts it, checkpoints its sequence
    /// when due and reports the progress.
    private func finish(_ write: BatchWrite) async throws {
        let fetched = write.fetched
        let outcome = try await StageTimings.timing(&timings.bulkDocs) {
            try await BatchReader.value(of: write.task)
        }
        progress.docsWritten += outcome.written
        progress.docWriteFailures += outcome.failures

        let batch = fetched.changes
        progress.lastSeq = batch.lastSeq
        progress.pending = batch.pending
        if write.caughtUp || ContinuousClock.now - lastCheckpoint >= options.checkpointInterval {
            try await checkpoint(batch.lastSeq)
        }
        if !batch.changes.isEmpty { emit(.change(progress)) }
    }

    // MARK: Checkpoint

    private func checkpoint(_ seq: JSON?) async throws {
        lastCheckpoint = ContinuousClock.now
        guard let seq, seq != checkpointedSeq else { return }
        try Task.checkCancellation()
        let progress = self.progress
        try await StageTimings.timing(&timings.checkpoints) {
            try await retrier.run {
                try await self.checkpointer.write(seq: seq, progress: progress)
            }
        }
        checkpointedSeq = seq
    }

    /// After a cancellation or an error: one attempt, outside the cancelled
    /// task, to checkpoint the last batch stored since the last checkpoint,
    /// so a new replication resumes after it. Its own failure is ignored.
    private func checkpointOnExit() async {
        guard let seq = progress.lastSeq, seq != checkpointedSeq else { return }
        let checkpointer = self.checkpointer
        let progress = self.progress
        let attempt = Task {
            var checkpointer = checkpointer
            try await checkpointer.write(seq: seq, progress: progress)
        }
        do {
            try await attempt.value
            checkpointedSeq = seq
        } catch {
            Logger.replication.info("no checkpoint for \(seq) on exit: \(error)")
        }
    }
}
