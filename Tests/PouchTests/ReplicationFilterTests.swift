import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// The four forms of partial replication, deletions included.
@Suite struct ReplicationFilterTests {
    /// `in1` and `in2` match every filter below, `out` matches none; `in2`
    /// is deleted after the first replication, keeping its fields.
    static func prepare(
        _ factory: ReplicaFactory
    ) async throws -> (any DocumentDatabase, any DocumentDatabase, RevisionID) {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        try await Replicas.put(source, "in1", ["type": "task"])
        try await Replicas.put(source, "in2", ["type": "task"])
        try await Replicas.put(source, "out", ["type": "note"])
        let rev = try await source.get("in2")["_rev"]!.stringValue!
        return (source, target, RevisionID(rev)!)
    }

    static let filters: [ChangesFilter] = [
        .docIDs(["in1", "in2"]),
        .selector(["type": "task"]),
        .predicate(identity: "tasks", { $0["type"] == "task" }),
    ]

    static var cases: [(ReplicaFactory, Int)] {
        ReplicaFactory.all.flatMap { factory in filters.indices.map { (factory, $0) } }
    }

    @Test(arguments: cases)
    func onlyMatchingDocumentsAndTheirDeletionsFlow(
        _ factory: ReplicaFactory, _ filterIndex: Int
    ) async throws {
        let (source, target, rev) = try await Self.prepare(factory)
        let options = ReplicationOptions(filter: Self.filters[filterIndex])
        _ = try await Replicas.replicate(source, target, options)
        #expect(try await Replicas.liveIDs(target) == ["in1", "in2"])

        let tombstone = try await source.put(
            ["_id": "in2", "_rev": .string(rev.description), "_deleted": true, "type": "task"])
        let second = try await Replicas.replicate(source, target, options)

        #expect(second.docsWritten == 1)
        #expect(try await Replicas.liveIDs(target) == ["in1"])
        #expect(try await Replicas.winner(target, "in2") == tombstone.rev)
        #expect(try await Replicas.winner(target, "out") == nil)
    }

    @Test(arguments: ReplicaFactory.all)
    func predicateIsAppliedHereWhenTheSourceCannot(_ factory: ReplicaFactory) async throws {
        let (source, target, _) = try await Self.prepare(factory)
        let remoteLike = PredicateBlindPeer(base: source)
        let filter = ChangesFilter.predicate(identity: "tasks", { $0["type"] == "task" })

        _ = try await Replicas.replicate(remoteLike, target, ReplicationOptions(filter: filter))

        #expect(try await Replicas.liveIDs(target) == ["in1", "in2"])
        #expect(remoteLike.sawPredicate.withLock { $0 } == false)
    }

    @Test(arguments: ReplicaFactory.all)
    func changingTheFilterStartsFromAFreshCheckpoint(_ factory: ReplicaFactory) async throws {
        let (source, target, _) = try await Self.prepare(factory)
        _ = try await Replicas.replicate(
            source, target, ReplicationOptions(filter: .docIDs(["in1"])))
        let watched = FaultInjectingPeer(source)

        let second = try await Replicas.replicate(
            watched, target, ReplicationOptions(filter: .docIDs(["in1", "out"])))

        #expect(watched.calls.first { $0.method == .changes }?.since == .start)
        #expect(second.docsWritten == 1)
        #expect(try await Replicas.liveIDs(target) == ["in1", "out"])
    }
}

/// A source that, like a remote database, cannot run a Swift predicate.
private final class PredicateBlindPeer: ReplicationPeer {
    let base: any DocumentDatabase
    let sawPredicate = Mutex(false)

    init(base: any DocumentDatabase) { self.base = base }

    var identity: String { base.identity }
    var appliesPredicateFilters: Bool { false }

    func info() async throws -> DatabaseInfo { try await base.info() }
    func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        if case .predicate = options.filter { sawPredicate.withLock { $0 = true } }
        return try await base.changes(options)
    }
    func revsDiff(_ revisions: [String: [RevisionID]]) async throws -> [String: RevsDiffResult] {
        try await base.revsDiff(revisions)
    }
    func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] { try await base.bulkGet(requests, options: options) }
    func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        try await base.bulkDocs(docs, newEdits: newEdits)
    }
    func localDocument(_ id: String) async throws -> JSON? { try await base.localDocument(id) }
    func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        try await base.putLocalDocument(doc)
    }
}
