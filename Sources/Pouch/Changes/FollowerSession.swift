/// One run of a `ChangesFollower`: where it reads next, what its checkpoint
/// holds, and how much was handled since.
struct FollowerSession {
    let follower: ChangesFollower
    /// Where the next read starts: just past the last change handled.
    var position: ChangesSince
    /// The sequence the checkpoint document holds, and its revision.
    var saved: JSON?
    var revision: JSON?
    /// Changes handled since the last checkpoint, and when that was.
    var unsaved = 0
    var lastSave = ContinuousClock.now
    /// Changes handled in this run.
    var handled = 0

    /// A session starting after the checkpoint, or at `options.since`
    /// when there is none.
    static func resume(_ follower: ChangesFollower) async throws -> FollowerSession {
        let checkpoint = try await follower.database.localDocument(follower.checkpointID)
        let saved = checkpoint?["processed_seq"].flatMap { $0 == .null ? nil : $0 }
        return FollowerSession(
            follower: follower, position: saved.map { .sequence($0) } ?? follower.options.since,
            saved: saved, revision: checkpoint?["_rev"])
    }

    private var batchSize: Int { follower.options.limit ?? 100 }

    /// Hands every change after `position` to the handler in order,
    /// checkpointing as the policy says and once caught up; `false` when
    /// the task was cancelled before the end.
    mutating func drain() async throws -> Bool {
        while true {
            var query = follower.options
            query.since = position
            query.limit = batchSize
            query.descending = false
            let batch = try await follower.database.changes(query)
            for change in batch.results {
                if Task.isCancelled { return false }
                try await follower.handler(change)
                position = .sequence(change.seq)
                handled += 1
                unsaved += 1
                if isCheckpointDue { try await save() }
            }

            // Past filtered-out rows too, so the checkpoint records them.
            position = .sequence(batch.lastSeq)
            if isCaughtUp(batch) {
                try await save()
                return !Task.isCancelled
            }
        }
    }

    /// Whether `batch` was the last of the backlog.
    private func isCaughtUp(_ batch: ChangesResponse) -> Bool {
        if batch.results.isEmpty { return true }
        if let pending = batch.pending { return pending == 0 }
        return batch.results.count < batchSize
    }

    private var isCheckpointDue: Bool {
        let policy = follower.checkpointPolicy
        if unsaved >= policy.changes { return true }
        guard let interval = policy.interval else { return false }
        return lastSave.duration(to: .now) >= interval
    }

    /// Waits on the live feed until a change after `position` is there;
    /// `false` when the task was cancelled first.
    mutating func waitForChange() async throws -> Bool {
        var query = follower.options
        query.since = position
        query.limit = 1
        query.descending = false
        query.includeDocs = false
        var feed = follower.database.liveChanges(query).makeAsyncIterator()
        let change = try await feed.next()
        return change != nil && !Task.isCancelled
    }

    /// Writes the checkpoint at the last sequence handled or read past,
    /// unless it holds it already.
    mutating func save() async throws {
        guard case .sequence(let sequence) = position, sequence != saved else {
            unsaved = 0
            return
        }
        var checkpoint: JSON = ["_id": .string(follower.checkpointID)]
        checkpoint["_rev"] = revision
        checkpoint["processed_seq"] = sequence
        let result: WriteResult
        do {
            result = try await follower.database.putLocalDocument(checkpoint)
        } catch let error as PouchError where error.code == .conflict {
            // Replaced since read (another run of this name): write over it.
            let current = try await follower.database.localDocument(follower.checkpointID)
            checkpoint["_rev"] = current?["_rev"]
            result = try await follower.database.putLocalDocument(checkpoint)
        }
        revision = .string(result.rev.description)
        saved = sequence
        unsaved = 0
        lastSave = .now
    }

    /// Saves at the end of a run; a failure only logged once the task is
    /// cancelled, as the changes since are handed again next time.
    mutating func finish() async throws {
        if Task.isCancelled { await saveQuietly() } else { try await save() }
    }

    /// Saves after a failure, logging rather than hiding the first error.
    mutating func saveQuietly() async {
        do {
            try await save()
        } catch {
            Logger.changes.warning("checkpoint \(follower.checkpointID) not written: \(error)")
        }
    }
}
