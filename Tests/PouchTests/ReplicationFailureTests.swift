import Foundation
import Pouch
import TestSupport
import Testing

/// How a replication meets refusals, errors and cancellation.
@Suite struct ReplicationFailureTests {
    static func source(
        _ factory: ReplicaFactory, count: Int
    ) async throws -> (any DocumentDatabase, any DocumentDatabase) {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        for index in 0..<count {
            try await Replicas.put(source, "doc\(index)", ["n": .int(Int64(index))])
        }
        return (source, target)
    }

    @Test(arguments: ReplicaFactory.all)
    func tooLargeBatchesAreHalvedUntilTheyFit(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 5)
        let guarded = FaultInjectingPeer(target)
        guarded.rejectBulkDocs(over: 2)

        let result = try await Replicas.replicate(source, guarded)

        #expect(result.docsWritten == 5)
        #expect(result.docWriteFailures == 0)
        #expect(try await Replicas.liveIDs(target).count == 5)
        // 5 is refused, then 2 fits; 3 is refused, then 1 and 2 fit.
        let sizes = guarded.calls.filter { $0.method == .bulkDocs }.map(\.ids.count)
        #expect(sizes == [5, 2, 3, 1, 2])
    }

    @Test(arguments: ReplicaFactory.all)
    func aSingleDocumentTooLargeIsOneFailure(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 2)
        let guarded = FaultInjectingPeer(target)
        guarded.rejectBulkDocs(over: 0)

        let result = try await Replicas.replicate(source, guarded)

        #expect(result.status == .complete)
        #expect(result.docsWritten == 0)
        #expect(result.docWriteFailures == 2)
    }

    @Test(arguments: ReplicaFactory.all)
    func refusedDocumentsAreDeniedOnceAndCounted(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 3)
        let guarded = FaultInjectingPeer(target)
        guarded.deny(["doc1"])

        let (result, events) = try await Replicas.runCollecting(
            Replication(source: source, target: guarded))

        let denied = events.compactMap { event -> String? in
            if case .denied(let id, let error) = event, error.code == .forbidden { return id }
            return nil
        }
        #expect(denied == ["doc1"])
        #expect(result?.docsWritten == 2)
        #expect(result?.docWriteFailures == 1)
        #expect(guarded.count(.bulkDocs) == 1)
        #expect(try await Replicas.liveIDs(target) == ["doc0", "doc2"])
    }

    @Test(arguments: ReplicaFactory.all)
    func serverErrorsAreRetriedWithBackoffWhenRetryIsOn(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 3)
        // A target holding a document, so the replication asks its revs diff.
        _ = try await Replicas.put(target, "other")
        let flaky = FaultInjectingPeer(target)
        let unavailable = PouchError(.internalError, "unavailable", status: 503)
        flaky.fail(.bulkDocs, times: 2, with: unavailable)
        flaky.fail(.revsDiff, call: 1, with: PouchError(.network, "reset", status: 0))
        var options = ReplicationOptions(retry: true)
        options.backoff = Replicas.quickRetry

        let (result, events) = try await Replicas.runCollecting(
            Replication(source: source, target: flaky, options: options))

        #expect(result?.docsWritten == 3)
        let pauses = events.filter { if case .paused(.some) = $0 { true } else { false } }
        #expect(pauses.count == 3)
        #expect(flaky.count(.bulkDocs) == 3)
        #expect(try await Replicas.liveIDs(target).count == 4)
    }

    @Test(arguments: ReplicaFactory.all)
    func serverErrorsEndTheReplicationWhenRetryIsOff(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 1)
        let flaky = FaultInjectingPeer(target)
        let unavailable = PouchError(.internalError, "unavailable", status: 503)
        flaky.fail(.bulkDocs, call: 1, with: unavailable)

        let replication = Replication(source: source, target: flaky)
        await #expect(throws: unavailable) { try await replication.run() }
        #expect(flaky.count(.bulkDocs) == 1)
    }

    @Test(arguments: ReplicaFactory.all)
    func unauthorizedRequestEndsWithAnErrorEvenWithRetry(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 1)
        let locked = FaultInjectingPeer(source)
        locked.fail(.changes, call: 1, with: .unauthorized("You are not a server admin."))
        var options = ReplicationOptions(retry: true)
        options.backoff = Replicas.quickRetry

        let (result, events) = try await Replicas.runCollecting(
            Replication(source: locked, target: target, options: options))

        #expect(result == nil)
        #expect(events.last == .error(.unauthorized("You are not a server admin.")))
        #expect(locked.count(.changes) == 1)
    }

    @Test(arguments: ReplicaFactory.all)
    func cancelledReplicationResumesWithoutResending(_ factory: ReplicaFactory) async throws {
        let (source, target) = try await Self.source(factory, count: 10)
        let watched = FaultInjectingPeer(target)
        var options = ReplicationOptions(batchSize: 2)
        options.checkpointInterval = .zero  // a checkpoint after every batch
        let first = Replication(source: source, target: watched, options: options)
        // Cancel as the third batch is about to be checkpointed.
        watched.onCall { method, number in
            if method == .putLocalDocument, number == 3 { first.cancel() }
        }

        let stopped = try await first.run()
        watched.onCall { _, _ in }
        let log = try await source.localDocument(first.id.checkpointID)
        let checkpointed = try #require(log?["source_last_seq"])
        let resumed = FaultInjectingPeer(source)
        let second = try await Replication(source: resumed, target: watched, options: options).run()

        #expect(stopped.status == .cancelled)
        #expect(second.status == .complete)
        #expect(stopped.lastSeq != nil)
        // The source's checkpoint is written first; a cancelled target write
        // leaves both logs in one session, so CouchDB's rule resumes from
        // the source's `source_last_seq` (its batch was stored before).
        #expect(resumed.calls.first { $0.method == .changes }?.since == .sequence(checkpointed))
        let written = watched.idsWritten
        #expect(written.count == 10)
        #expect(Set(written).count == 10)
        #expect(try await Replicas.liveIDs(target).count == 10)
    }

    @Test(arguments: ReplicaFactory.all)
    func cancelMidPipelineResumesAfterTheLastStoredBatch(
        _ factory: ReplicaFactory
    ) async throws {
        let (source, target) = try await Self.source(factory, count: 10)
        let watched = FaultInjectingPeer(target)
        // The default interval: no checkpoint between these quick batches,
        // so only the checkpoint written on cancelling records progress.
        let options = ReplicationOptions(batchSize: 2)
        let first = Replication(source: source, target: watched, options: options)
        // Cancel as the third batch is written (the fourth is being read).
        watched.onCall { method, number in
            if method == .bulkDocs, number == 3 { first.cancel() }
        }

        let stopped = try await first.run()
        let resumedSource = FaultInjectingPeer(source)
        let resumedTarget = FaultInjectingPeer(target)
        let second = try await Replication(
            source: resumedSource, target: resumedTarget, options: options
        ).run()

        #expect(stopped.status == .cancelled)
        #expect(second.status == .complete)
        // Two batches may be written at once, so when the third is sent
        // the first has been stored, and perhaps the second and third.
        #expect(stopped.docsWritten >= 2)
        let resumedSince = resumedSource.calls.first { $0.method == .changes }?.since
        #expect(resumedSince == stopped.lastSeq.map { .sequence($0) })
        // Nothing the first run stored is sent again; nothing is lost.
        let resent = resumedTarget.idsWritten
        #expect(resent.count <= 10 - stopped.docsWritten)
        #expect(Set(watched.idsWritten + resent).count == 10)
        #expect(stopped.docsWritten + second.docsWritten <= 10)
        #expect(try await Replicas.liveIDs(target).count == 10)
    }

    @Test func cancellingTheCallingTaskCancelsTheReplication() async throws {
        let source = MemoryDatabase()
        try await Replicas.put(source, "a")
        let target = MemoryDatabase()
        _ = try await Replicas.put(target, "other")  // not empty: its revs diff is asked
        let slow = FaultInjectingPeer(target)
        slow.delay(.revsDiff, by: .seconds(30))
        let replication = Replication(source: source, target: slow)

        let runner = Task { try await replication.run() }
        #expect(try await Replicas.eventually { slow.count(.revsDiff) == 1 })
        runner.cancel()

        #expect(try await runner.value.status == .cancelled)
    }
}
