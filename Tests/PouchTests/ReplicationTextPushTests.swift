import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// A push from a local database to a server sends the stored bodies as
/// text; what arrives is what the parsed path delivers.
@Suite struct ReplicationTextPushTests {
    /// Passes every call to a `RemoteDatabase` and records the form of the
    /// documents a replication hands to `bulkDocs(replicated:)`.
    final class TextRecorder: ReplicationPeer {
        let base: RemoteDatabase
        private let forms = Mutex<[String]>([])

        init(_ base: RemoteDatabase) { self.base = base }

        /// "text" or "json" per document written, in order.
        var written: [String] { forms.withLock { $0 } }

        var identity: String { base.identity }
        var acceptsDocumentText: Bool { base.acceptsDocumentText }
        func info() async throws -> DatabaseInfo { try await base.info() }
        func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
            try await base.changes(options)
        }
        func revsDiff(
            _ revisions: [String: [RevisionID]]
        ) async throws -> [String: RevsDiffResult] {
            try await base.revsDiff(revisions)
        }
        func bulkGet(
            _ requests: [BulkGetRequest], options: BulkGetOptions
        ) async throws -> [BulkGetResult] {
            try await base.bulkGet(requests, options: options)
        }
        func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
            try await base.bulkDocs(docs, newEdits: newEdits)
        }
        func bulkDocs(replicated docs: [ReplicatedDocument]) async throws -> [BulkDocsResult] {
            let kinds = docs.map { doc -> String in
                if case .text = doc { return "text" }
                return "json"
            }
            forms.withLock { $0 += kinds }
            return try await base.bulkDocs(replicated: docs)
        }
        func localDocument(_ id: String) async throws -> JSON? {
            try await base.localDocument(id)
        }
        func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
            try await base.putLocalDocument(doc)
        }
    }

    /// Every leaf of every seeded document, with its history and inline
    /// attachments, as `db` holds it.
    static func leaves(_ db: any DocumentDatabase) async throws -> [String: [JSON]] {
        var leaves: [String: [JSON]] = [:]
        let options = GetOptions(revs: true, attachments: true)
        for id in ["plain", "empty", "edited", "gone", "conflicted", "attached"] {
            let results = try await db.openRevisions(id, revisions: .all, options: options)
            leaves[id] = results.compactMap { result -> JSON? in
                guard case .ok(let doc) = result else { return nil }
                return doc
            }.sorted { ($0["_rev"]?.stringValue ?? "") < ($1["_rev"]?.stringValue ?? "") }
        }
        return leaves
    }

    @Test func aPushAsTextDeliversWhatTheParsedPushDelivers() async throws {
        let source = try await BulkGetTextTests.seeded().db
        let textTarget = try await ReplicaFactory.remote("text")
        let jsonTarget = try await ReplicaFactory.remote("json")
        let recorder = TextRecorder(try #require(textTarget as? RemoteDatabase))
        // The fault-injecting wrapper takes no text: the parsed path.
        let parsedTarget = FaultInjectingPeer(jsonTarget)

        let text = try await Replicas.replicate(source, recorder)
        let parsed = try await Replicas.replicate(source, parsedTarget)

        // Six documents, the conflicted one with two leaves.
        #expect(text.docsWritten == 7)
        #expect(parsed.docsWritten == 7)
        #expect(recorder.written == Array(repeating: "text", count: 7))
        #expect(parsedTarget.calls.filter { $0.method == .bulkDocs }.flatMap(\.docs).count == 7)
        let expected = try await Self.leaves(source)
        #expect(try await Self.leaves(textTarget) == expected)
        #expect(try await Self.leaves(jsonTarget) == expected)
        #expect(expected["conflicted"]?.count == 2)
        #expect(expected["gone"]?.first?["_deleted"] == true)
    }

    @Test func aPushedDocumentKeepsItsMembersInOrder() async throws {
        let source = try await BulkGetTextTests.seeded().db
        let target = try await ReplicaFactory.remote("order")
        _ = try await Replicas.replicate(source, target)

        let options = GetOptions(revs: true)
        let copy = try await target.get("plain", options: options)
        let original = try await source.get("plain", options: options)
        #expect(copy.serialized() == original.serialized())
        let keys = copy.objectValue?.keys ?? []
        #expect(keys == ["_id", "_rev", "n", "s", "nested", "_revisions"])
    }

    @Test func aPeerWithoutTextParsesTextItIsGiven() async throws {
        let stored = try Database.inMemory(name: "parse-\(UUID().uuidString)")
        let peer = FaultInjectingPeer(stored)
        let text = #"{"_id":"t","_rev":"1-abc","v":[1,"x"],"_revisions":{"start":1,"ids":["abc"]}}"#

        let failures = try await peer.bulkDocs(replicated: [
            .text(id: "t", bytes: Array(text.utf8))
        ])

        #expect(failures.isEmpty)
        #expect(peer.calls.filter { $0.method == .bulkDocs }.map(\.ids) == [["t"]])
        let doc = try await stored.get("t")
        #expect(doc == ["_id": "t", "_rev": "1-abc", "v": [1, "x"]])
    }

    @Test func textThatIsNotJSONIsABadRequest() async throws {
        let stored = try Database.inMemory(name: "bad-\(UUID().uuidString)")
        let peer = FaultInjectingPeer(stored)

        do {
            _ = try await peer.bulkDocs(replicated: [.text(id: "t", bytes: Array("{".utf8))])
            Issue.record("unparsable text was written")
        } catch let error as PouchError {
            #expect(error.code == .badRequest)
            #expect(error.status == 400)
        }
        #expect(peer.count(.bulkDocs) == 0)
    }

    @Test func aPullAsTextStoresWhatTheParsedPullStores() async throws {
        let seeded = try await BulkGetTextTests.seeded().db
        let source = try await ReplicaFactory.remote("pulled")
        _ = try await Replicas.replicate(seeded, source)
        let textTarget = try Database.inMemory(name: "text-\(UUID().uuidString)")
        let parsedStore = try Database.inMemory(name: "parsed-\(UUID().uuidString)")
        // The fault-injecting wrapper takes no text: the parsed path.
        let parsedTarget = FaultInjectingPeer(parsedStore)

        let text = try await Replicas.replicate(source, textTarget)
        let parsed = try await Replicas.replicate(source, parsedTarget)

        #expect(text.docsWritten == 7)
        #expect(parsed.docsWritten == 7)
        let expected = try await Self.leaves(seeded)
        #expect(try await Self.leaves(textTarget) == expected)
        #expect(try await Self.leaves(parsedStore) == expected)
        // Bodies stored from text read back with their members in order.
        for id in ["plain", "edited", "conflicted", "attached"] {
            let options = GetOptions(revs: true)
            let copy = try await textTarget.get(id, options: options).serialized()
            #expect(copy == (try await parsedStore.get(id, options: options).serialized()))
            #expect(copy == (try await seeded.get(id, options: options).serialized()))
        }
    }
}
