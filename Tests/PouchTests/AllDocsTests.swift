import Foundation
import Testing

@testable import Pouch

@Suite struct AllDocsTests {
    /// CouchDB scenario api16's seed: four documents, `date` edited once
    /// and given a replicated conflict `1-ffff`.
    func seeded() async throws -> (Database, [WriteResult]) {
        let db = try Database.inMemory(name: "alldocs")
        let seed = try await db.bulkDocs(
            [
                ["_id": "apple", "n": 1], ["_id": "banana", "n": 2], ["_id": "cherry", "n": 3],
                ["_id": "date", "n": 4],
            ],
            newEdits: true)
        let date = try await db.put([
            "_id": "date", "_rev": .string(seed[3].rev!.description), "n": 4,
        ])
        try await db.bulkDocs([["_id": "date", "_rev": "1-ffff", "n": "other"]], newEdits: false)
        let written = seed.map { WriteResult(id: $0.id, rev: $0.rev!) }
        return (db, Array(written.prefix(3)) + [date])
    }

    @Test func listsLiveDocumentsInIDOrder() async throws {
        let (db, written) = try await seeded()
        let plain = try await db.allDocs()
        #expect(plain.totalRows == 4)
        #expect(plain.offset == 0)
        #expect(plain.rows.map(\.id) == ["apple", "banana", "cherry", "date"])
        #expect(plain.rows[0] == AllDocsRow(id: "apple", key: "apple", rev: written[0].rev))
        #expect(plain.rows[3].rev == written[3].rev)
    }

    @Test func keysRangesLimitSkipAndDescending() async throws {
        let (db, _) = try await seeded()
        let keys = try await db.allDocs(AllDocsOptions(keys: ["cherry", "apple", "cherry"]))
        #expect(keys.rows.map(\.id) == ["cherry", "apple", "cherry"])
        let key = try await db.allDocs(AllDocsOptions(startKey: "banana", endKey: "banana"))
        #expect(key.rows.map(\.id) == ["banana"])
        let range = try await db.allDocs(AllDocsOptions(startKey: "b", endKey: "c\u{FFF0}"))
        #expect(range.rows.map(\.id) == ["banana", "cherry"])
        #expect(range.offset == 1)
        let paged = try await db.allDocs(AllDocsOptions(descending: true, skip: 1, limit: 2))
        #expect(paged.rows.map(\.id) == ["cherry", "banana"])
        #expect(paged.offset == 1)
        let exclusive = try await db.allDocs(
            AllDocsOptions(startKey: "apple", endKey: "cherry", inclusiveEnd: false))
        #expect(exclusive.rows.map(\.id) == ["apple", "banana"])
        let after = try await db.allDocs(AllDocsOptions(startKey: "c", limit: 1))
        #expect(after.rows.map(\.id) == ["cherry"])
        let descendingRange = try await db.allDocs(
            AllDocsOptions(startKey: "cherry", endKey: "banana", descending: true))
        #expect(descendingRange.rows.map(\.id) == ["cherry", "banana"])
    }

    @Test func includeDocsConflictsAndUpdateSeq() async throws {
        let (db, written) = try await seeded()
        let docs = try await db.allDocs(AllDocsOptions(limit: 1, includeDocs: true))
        #expect(
            docs.rows[0].doc == [
                "_id": "apple", "_rev": .string(written[0].rev.description), "n": 1,
            ])
        let conflicts = try await db.allDocs(
            AllDocsOptions(startKey: "date", endKey: "date", includeDocs: true, conflicts: true))
        #expect(conflicts.rows[0].doc?["_conflicts"] == ["1-ffff"])
        #expect(conflicts.rows[0].rev == written[3].rev)
        let seq = try await db.allDocs(AllDocsOptions(limit: 0, updateSeq: true))
        #expect(seq.rows.isEmpty)
        #expect(seq.totalRows == 4)
        #expect(seq.updateSeq == .int(6))
    }

    @Test func keysRowsForDeletedAndMissingIDs() async throws {
        let db = try Database.inMemory(name: "keys")
        let gone = try await db.put(["_id": "gone"])
        let removed = try await db.remove("gone", rev: gone.rev)
        try await db.put(["_id": "here"])
        let result = try await db.allDocs(
            AllDocsOptions(keys: ["gone", "nothing", "here"], includeDocs: true))
        #expect(
            result.rows[0] == AllDocsRow(id: "gone", key: "gone", rev: removed.rev, isDeleted: true)
        )
        #expect(result.rows[1] == AllDocsRow(id: nil, key: "nothing", error: "not_found"))
        #expect(result.rows[2].doc?["_id"] == "here")
        #expect(try await db.allDocs().rows.map(\.id) == ["here"])
    }

    @Test func idsSortByUTF8Bytes() async throws {
        let db = try Database.inMemory(name: "order")
        // Code point order: "Z" (5A) < "a" (61) < "é" (C3 A9) < "😀" (F0 ...).
        for id in ["😀", "a", "é", "Z"] { try await db.put(["_id": .string(id)]) }
        #expect(try await db.allDocs().rows.map(\.id) == ["Z", "a", "é", "😀"])
    }
}

@Suite struct AllDocsRangeErrorTests {
    @Test func reversedRangeIsAQueryParseError() async throws {
        // CouchDB answers 400 query_parse_error when start_key sorts after
        // end_key in the direction asked.
        let db = try Database.inMemory(name: "range")
        try await db.put(["_id": "a"])
        await #expect {
            try await db.allDocs(AllDocsOptions(startKey: "b", endKey: "a"))
        } throws: { error in
            (error as? PouchError)?.code.rawValue == "query_parse_error"
                && (error as? PouchError)?.status == 400
        }
        let descending = try await db.allDocs(
            AllDocsOptions(startKey: "b", endKey: "a", descending: true))
        #expect(descending.rows.map(\.id) == ["a"])
    }
}
