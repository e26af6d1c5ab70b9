import Foundation
import Testing

@testable import Pouch

@Suite struct ChangesTests {
    /// CouchDB scenario api13's documents: a, b (deleted), c (edited, with
    /// a replicated conflict 1-ffff).
    func seeded() async throws -> (Database, b: RevisionID, c: RevisionID) {
        let db = try Database.inMemory(name: "changes")
        try await db.put(["_id": "a", "n": 1])
        let b = try await db.put(["_id": "b", "n": 2])
        let c = try await db.put(["_id": "c", "n": 3])
        let bDeleted = try await db.remove("b", rev: b.rev)
        let c2 = try await db.put(["_id": "c", "_rev": .string(c.rev.description), "n": 3])
        try await db.bulkDocs([["_id": "c", "_rev": "1-ffff", "n": "conflict"]], newEdits: false)
        return (db, bDeleted.rev, c2.rev)
    }

    @Test func emptyDatabaseHasNoChanges() async throws {
        let db = try Database.inMemory(name: "empty")
        let changes = try await db.changes(ChangesOptions())
        #expect(changes == ChangesResponse(results: [], lastSeq: .int(0), pending: 0))
    }

    @Test func oneRowPerDocumentAtItsLatestSequence() async throws {
        let (db, b, c) = try await seeded()
        let all = try await db.changes(ChangesOptions())
        #expect(all.results.map(\.id) == ["a", "b", "c"])
        #expect(all.results[1].isDeleted)
        #expect(all.results[1].changes == [b])
        #expect(all.results[2].changes == [c])
        #expect(all.results.map(\.seq) == [.int(1), .int(4), .int(6)])
        #expect(all.lastSeq == .int(6))
        #expect(all.pending == 0)
    }

    @Test func sinceLimitPendingAndDescending() async throws {
        let (db, _, _) = try await seeded()
        let limited = try await db.changes(ChangesOptions(limit: 1))
        #expect(limited.results.map(\.id) == ["a"])
        #expect(limited.pending == 2)
        #expect(limited.lastSeq == limited.results[0].seq)
        let rest = try await db.changes(ChangesOptions(since: .sequence(limited.lastSeq)))
        #expect(rest.results.map(\.id) == ["b", "c"])
        #expect(rest.pending == 0)
        let one = try await db.changes(ChangesOptions(since: .sequence(limited.lastSeq), limit: 1))
        #expect(one.results.map(\.id) == ["b"])
        #expect(one.pending == 1)
        let now = try await db.changes(ChangesOptions(since: .now))
        #expect(now.results.isEmpty)
        #expect(now.lastSeq == .int(6))
        let descending = try await db.changes(ChangesOptions(descending: true))
        #expect(descending.results.map(\.id) == ["c", "b", "a"])
        let text = try await db.changes(ChangesOptions(since: .sequence("4")))
        #expect(text.results.map(\.id) == ["c"])
        await #expect(
            throws: PouchError.badRequest("Malformed sequence supplied in 'since' parameter.")
        ) {
            try await db.changes(ChangesOptions(since: .sequence("garbage")))
        }
    }

    @Test func includeDocsStyleAllDocsAndConflicts() async throws {
        let (db, b, c) = try await seeded()
        let docs = try await db.changes(ChangesOptions(includeDocs: true))
        #expect(docs.results[0].doc?["n"] == 1)
        #expect(
            docs.results[1].doc == ["_id": "b", "_rev": .string(b.description), "_deleted": true])
        #expect(docs.results[2].doc == ["_id": "c", "_rev": .string(c.description), "n": 3])
        let allDocs = try await db.changes(ChangesOptions(style: .allDocs))
        #expect(Set(allDocs.results[2].changes) == [c, RevisionID("1-ffff")!])
        let conflicts = try await db.changes(ChangesOptions(includeDocs: true, conflicts: true))
        #expect(conflicts.results[2].doc?["_conflicts"] == ["1-ffff"])
        #expect(conflicts.results[0].doc?["_conflicts"] == nil)
    }

    @Test func filtersByIDsPredicateAndSelector() async throws {
        let db = try Database.inMemory(name: "filters")
        try await db.bulkDocs(
            [
                ["_id": "c1", "type": "clinic"], ["_id": "p1", "type": "person"],
                ["_id": "p2", "type": "person"],
            ],
            newEdits: true)
        let ids = try await db.changes(ChangesOptions(filter: .docIDs(["p2", "c1", "ghost"])))
        #expect(ids.results.map(\.id) == ["c1", "p2"])
        #expect(ids.lastSeq == .int(3))
        let limitedIDs = try await db.changes(
            ChangesOptions(limit: 1, filter: .docIDs(["p2", "c1"])))
        #expect(limitedIDs.results.map(\.id) == ["c1"])
        let people = try await db.changes(
            ChangesOptions(filter: .predicate(identity: "people") { $0["type"] == "person" }))
        #expect(people.results.map(\.id) == ["p1", "p2"])
        let clinics = try await db.changes(
            ChangesOptions(includeDocs: true, filter: .selector(["type": "clinic"])))
        #expect(clinics.results.map(\.id) == ["c1"])
        #expect(clinics.results.first?.doc?["type"] == "clinic")
        await #expect {
            try await db.changes(
                ChangesOptions(filter: .server(name: "app/f", queryParameters: [:])))
        } throws: { ($0 as? PouchError)?.code == .badRequest }
    }

    @Test func commitsStreamReportsNewSequences() async throws {
        let db = try Database.inMemory(name: "live")
        let stream = db.commits()
        try await db.put(["_id": "x"])
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == 1)
    }
}
