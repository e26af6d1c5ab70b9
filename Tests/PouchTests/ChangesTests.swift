import Foundation
import Testing

@testable import Pouch

/// What only the local `Database`'s changes feed does; the feed's
/// behaviour shared with `RemoteDatabase` is in
/// `DatabaseBehaviourTests.Changes`.
@Suite struct ChangesTests {
    @Test func localSequencesCountUpdatesAsIntegers() async throws {
        // The design's local sequences: 1, 2, 3... one per update, so a
        // document's row sits at the number of its last update.
        let db = try Database.inMemory(name: "changes")
        try await db.put(["_id": "a", "n": 1])
        let b = try await db.put(["_id": "b", "n": 2])
        let c = try await db.put(["_id": "c", "n": 3])
        try await db.remove("b", rev: b.rev)
        try await db.put(["_id": "c", "_rev": .string(c.rev.description), "n": 3])
        try await db.storeReplicated([["_id": "c", "_rev": "1-ffff", "n": "conflict"]])
        let all = try await db.changes(ChangesOptions())
        #expect(all.results.map(\.seq) == [.int(1), .int(4), .int(6)])
        #expect(all.lastSeq == .int(6))
        let text = try await db.changes(ChangesOptions(since: .sequence("4")))
        #expect(text.results.map(\.id) == ["c"])
    }

    @Test func predicateAndServerFilters() async throws {
        let db = try Database.inMemory(name: "filters")
        let stored = try await db.bulkDocs(
            [
                ["_id": "c1", "type": "clinic"], ["_id": "p1", "type": "person"],
                ["_id": "p2", "type": "person"],
            ],
            newEdits: true)
        #expect(stored.allSatisfy { $0.error == nil })
        let people = try await db.changes(
            ChangesOptions(filter: .predicate(identity: "people") { $0["type"] == "person" }))
        #expect(people.results.map(\.id) == ["p1", "p2"])
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
