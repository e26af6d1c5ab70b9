import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// CouchDB's replication protocol between pairs of databases, run over
/// every kind of pair `ReplicaFactory.all` makes.
@Suite struct ReplicationTests {
    @Test(arguments: ReplicaFactory.all)
    func createdAndUpdatedDocumentsArriveWithTheirHistories(_ factory: ReplicaFactory) async throws
    {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        let first = try await Replicas.put(source, "a", ["v": 1])
        let second = try await Replicas.put(source, "a", ["v": 2], rev: first)
        try await Replicas.put(source, "b", ["v": 1])
        try await Replicas.put(source, "c", ["v": 1])

        let result = try await Replicas.replicate(source, target)

        #expect(result.status == .complete)
        #expect(result.docsRead == 3)
        #expect(result.docsWritten == 3)
        #expect(result.docWriteFailures == 0)
        let a = try await target.get("a", options: GetOptions(revs: true))
        #expect(a["v"] == 2)
        #expect(a["_rev"] == .string(second.description))
        #expect(a["_revisions"]?["ids"] == .array([.string(second.hash), .string(first.hash)]))
        #expect(try await Replicas.liveIDs(target) == ["a", "b", "c"])
    }

    @Test(arguments: ReplicaFactory.all)
    func aFirstCopyToAnEmptyTargetSkipsOnlyItsRevsDiff(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        for id in ["a", "b", "c"] { try await Replicas.put(source, id) }
        let empty = FaultInjectingPeer(target)
        let first = try await Replicas.replicate(source, empty)
        try await Replicas.put(source, "d")
        try await Replicas.put(target, "e")
        let filled = FaultInjectingPeer(target)
        let second = try await Replicas.replicate(source, filled)

        // An empty target lacks every revision: there is nothing to ask.
        #expect(empty.count(.revsDiff) == 0)
        #expect(first.docsWritten == 3)
        // A target holding documents is asked, as CouchDB's protocol says.
        #expect(filled.count(.revsDiff) == 1)
        #expect(second.docsWritten == 1)
        #expect(try await Replicas.liveIDs(target) == ["a", "b", "c", "d", "e"])
    }

    @Test func aLargeBatchIsReadAndWrittenInTwoHalves() async throws {
        let source = MemoryDatabase()
        let docs: [JSON] = (0..<300).map { ["_id": .string(String(format: "doc-%03d", $0))] }
        _ = try await source.bulkDocs(docs, newEdits: true)
        let ids = Set(docs.compactMap { $0["_id"]?.stringValue })
        let watched = FaultInjectingPeer(source)
        let stored = MemoryDatabase()
        let target = FaultInjectingPeer(stored)

        let result = try await Replicas.replicate(watched, target)

        // One batch of 300 (the default size is 500): two bulk gets and two
        // bulk docs of 150, together every id once.
        let reads = watched.calls.filter { $0.method == .bulkGet }.map(\.ids)
        #expect(reads.map(\.count) == [150, 150])
        #expect(Set(reads.joined()) == ids)
        let writes = target.calls.filter { $0.method == .bulkDocs }.map(\.ids)
        #expect(writes.map(\.count) == [150, 150])
        #expect(Set(writes.joined()) == ids)
        #expect(result.docsWritten == 300)
        #expect(Set(try await Replicas.liveIDs(stored)) == ids)
    }

    @Test(arguments: ReplicaFactory.all)
    func aSecondRunResumesAfterTheCheckpoint(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        for id in ["a", "b"] { try await Replicas.put(source, id) }
        let first = try await Replicas.replicate(source, target)
        try await Replicas.put(source, "c")

        let watched = FaultInjectingPeer(source)
        let second = try await Replicas.replicate(watched, target)

        #expect(second.docsWritten == 1)
        let firstSince = watched.calls.first { $0.method == .changes }?.since
        #expect(firstSince == .sequence(first.lastSeq ?? .null))
        #expect(try await Replicas.liveIDs(target) == ["a", "b", "c"])
    }

    @Test(arguments: ReplicaFactory.all)
    func checkpointIsWrittenOnBothSidesInCouchDBsShape(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        try await Replicas.put(source, "a")
        let replication = Replication(source: source, target: target)
        let result = try await replication.run()

        let id = ReplicationID(source: source.identity, target: target.identity, filter: .none)
        #expect(replication.id == id)
        let sourceLog = try #require(try await source.localDocument(id.checkpointID))
        let targetLog = try #require(try await target.localDocument(id.checkpointID))
        #expect(sourceLog["session_id"] == targetLog["session_id"])
        #expect(targetLog["source_last_seq"] == result.lastSeq)
        #expect(targetLog["replication_id_version"] == .int(Int64(ReplicationID.version)))
        let entry = try #require(targetLog["history"]?[0])
        #expect(entry["session_id"] == targetLog["session_id"])
        #expect(entry["recorded_seq"] == result.lastSeq)
        #expect(entry["docs_written"] == 1)
        #expect(entry["missing_found"] == 1)
    }

    @Test(arguments: ReplicaFactory.all)
    func deletionsReplicate(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        let rev = try await Replicas.put(source, "gone", ["v": 1])
        try await Replicas.put(source, "kept")
        _ = try await Replicas.replicate(source, target)
        let tombstone = try await source.remove("gone", rev: rev).rev

        _ = try await Replicas.replicate(source, target)

        await #expect(throws: PouchError.notFound("deleted")) {
            try await target.get("gone")
        }
        #expect(try await Replicas.winner(target, "gone") == tombstone)
        #expect(try await Replicas.liveIDs(target) == ["kept"])
    }

    @Test(arguments: ReplicaFactory.all)
    func conflictsReplicateBothWaysWithTheSameWinner(_ factory: ReplicaFactory) async throws {
        let (a, b) = (try await factory.make("a"), try await factory.make("b"))
        let base = try await Replicas.put(a, "doc", ["v": 0])
        _ = try await Replicas.replicate(a, b)
        let onA = try await Replicas.put(a, "doc", ["v": "a"], rev: base)
        let onB = try await Replicas.put(b, "doc", ["v": "b"], rev: base)
        let onB2 = try await Replicas.put(b, "doc", ["v": "b2"], rev: onB)

        _ = try await Replicas.replicate(a, b)
        _ = try await Replicas.replicate(b, a)

        // The longer branch (generation 3) wins on both sides.
        for db in [a, b] {
            let doc = try await db.get("doc", options: GetOptions(conflicts: true))
            #expect(doc["_rev"] == .string(onB2.description))
            #expect(doc["_conflicts"] == .array([.string(onA.description)]))
        }
        #expect(try await Replicas.leaves(a, "doc") == Replicas.leaves(b, "doc"))
    }

    @Test(arguments: ReplicaFactory.all)
    func localDocumentsNeverReplicate(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        try await source.putLocalDocument(["_id": "_local/private", "secret": 1])
        try await Replicas.put(source, "public")

        _ = try await Replicas.replicate(source, target)

        #expect(try await target.localDocument("_local/private") == nil)
        #expect(try await Replicas.liveIDs(target) == ["public"])
    }

    @Test(arguments: ReplicaFactory.all)
    func atMostOneBatchIsReadAheadOfTheWrites(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        for index in 0..<8 { try await Replicas.put(source, "doc\(index)") }
        let reading = FaultInjectingPeer(source)
        let writing = FaultInjectingPeer(target)
        let readsAtWrite = Mutex<[Int]>([])
        writing.onCall { method, _ in
            guard method == .bulkDocs else { return }
            let reads = reading.count(.changes)
            readsAtWrite.withLock { $0.append(reads) }
        }

        let result = try await Replicas.replicate(
            reading, writing, ReplicationOptions(batchSize: 1))

        #expect(result.docsWritten == 8)
        let reads = readsAtWrite.withLock { $0 }
        #expect(reads.count == 8)
        // When batch k is written, batch k + 1 may have been asked for, no more.
        for (index, count) in reads.enumerated() { #expect(count <= index + 2) }
    }

    @Test(arguments: ReplicaFactory.all)
    func eventsGoFromActiveThroughChangesToComplete(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        for index in 0..<5 { try await Replicas.put(source, "doc\(index)") }

        let (result, events) = try await Replicas.runCollecting(
            Replication(source: source, target: target, options: ReplicationOptions(batchSize: 2)))

        let finished = try #require(result)
        #expect(events.first == .active)
        #expect(events.last == .complete(finished))
        let written = events.compactMap { event -> Int? in
            if case .change(let progress) = event { return progress.docsWritten }
            return nil
        }
        #expect(written == [2, 4, 5])
    }
}
