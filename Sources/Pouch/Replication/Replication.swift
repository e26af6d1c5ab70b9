import Foundation
import Synchronization

/// A replication from a source database to a target, following CouchDB's
/// replication protocol; one-shot or live.
///
/// It reads both checkpoints to find where to resume, then per batch of
/// `batchSize` changes (`style=all_docs`) asks the target's revs diff,
/// reads the missing revisions with their histories by bulk get, writes
/// them with `new_edits=false` and checkpoints. The next batch is read while
/// the current one is written, and no more, so memory stays flat. Both ends
/// are `ReplicationPeer`s, so local and remote databases pair any way.
///
/// ```swift
/// let replication = Replication(source: local, target: remote)
/// let result = try await replication.run()
/// print(result.docsWritten)
/// ```
public final class Replication: Sendable {
    /// Where documents are read.
    public let source: any ReplicationPeer
    /// Where documents are written.
    public let target: any ReplicationPeer
    /// How it runs: live, retry, batch size, filter.
    public let options: ReplicationOptions
    /// Names the checkpoint documents `_local/<id>` on both ends.
    public let id: ReplicationID

    private typealias Outcome = Result<ReplicationResult, PouchError>
    private let task = Mutex<Task<Outcome, Never>?>(nil)
    private let broadcaster = EventBroadcaster<ReplicationEvent>()

    /// A replication from `source` to `target`; nothing happens until
    /// `start()` or `run()`.
    public init(
        source: any ReplicationPeer, target: any ReplicationPeer,
        options: ReplicationOptions = ReplicationOptions()
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.id = ReplicationID(
            source: source.identity, target: target.identity, filter: options.filter)
    }

    /// The events from now on, ending with `complete` or `error`. Subscribe
    /// before `start()` or `run()` to see them all; a subscriber that comes
    /// after the end gets the last event.
    public var events: AsyncStream<ReplicationEvent> { broadcaster.subscribe() }

    /// Starts replicating in the background; does nothing if started.
    public func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { await self.execute() }
        }
    }

    /// Starts if needed and waits for the end: the totals when caught up
    /// (one-shot) or cancelled. Cancelling the calling task cancels the
    /// replication.
    ///
    /// - Throws: the `PouchError` that ended the replication.
    public func run() async throws -> ReplicationResult {
        start()
        let task = self.task.withLock { $0! }
        let outcome = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        return try outcome.get()
    }

    /// Stops promptly. Batches already checkpointed stay so: a new
    /// replication with the same source, target and filter resumes after
    /// them.
    public func cancel() {
        let running = task.withLock { task in
            if task == nil { task = Task { .success(self.cancelledBeforeStart()) } }
            return task
        }
        running?.cancel()
    }

    private func cancelledBeforeStart() -> ReplicationResult {
        let now = Date()
        let result = ReplicationResult(
            status: .cancelled, progress: ReplicationProgress(), startTime: now, endTime: now)
        broadcaster.finish(with: .complete(result))
        return result
    }

    private func execute() async -> Outcome {
        let startTime = Date()
        let broadcaster = self.broadcaster
        let replicator = Replicator(
            source: source, target: target, id: id, options: options,
            emit: { broadcaster.yield($0) })
        do {
            try await replicator.run()
            return finish(.complete, replicator.progress, startTime)
        } catch {
            guard let failure = try? Retrier.pouchError(error) else {
                return finish(.cancelled, replicator.progress, startTime)
            }
            Logger.replication.error("replication \(id) failed: \(failure)")
            broadcaster.finish(with: .error(failure))
            return .failure(failure)
        }
    }

    private func finish(
        _ status: ReplicationStatus, _ progress: ReplicationProgress, _ startTime: Date
    ) -> Outcome {
        let result = ReplicationResult(
            status: status, progress: progress, startTime: startTime, endTime: Date())
        broadcaster.finish(with: .complete(result))
        return .success(result)
    }
}
