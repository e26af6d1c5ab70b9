import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// `allDocs`, after CouchDB's `GET|POST /db/_all_docs`.
    @Suite struct AllDocs {
        /// api16's seed: four documents, `date` edited once and given a
        /// replicated conflict `1-ffff`; answers the current revisions.
        func seeded(_ db: any DocumentDatabase) async throws -> [String: RevisionID] {
            let seed = try await db.bulkDocs(
                [
                    ["_id": "apple", "n": 1], ["_id": "banana", "n": 2],
                    ["_id": "cherry", "n": 3], ["_id": "date", "n": 4],
                ],
                newEdits: true)
            let date = try await db.put(["_id": "date", "_rev": seed[3].rev!.json, "n": 4])
            try await db.storeReplicated(
                [["_id": "date", "_rev": "1-ffff", "n": "other"]])
            var revs: [String: RevisionID] = [:]
            for row in seed { revs[row.id] = row.rev }
            revs["date"] = date.rev
            return revs
        }

        @Test(arguments: Backend.allCases)
        func listsLiveDocumentsInIDOrder(backend: Backend) async throws {
            // api16 plain.
            try await backend.withDatabase { db in
                let revs = try await seeded(db)
                let plain = try await db.allDocs()
                #expect(plain.totalRows == 4)
                #expect(plain.offset == 0)
                #expect(plain.rows.map(\.id) == ["apple", "banana", "cherry", "date"])
                #expect(plain.rows[0] == AllDocsRow(id: "apple", key: "apple", rev: revs["apple"]))
                #expect(plain.rows[3].rev == revs["date"])
                #expect(plain.updateSeq == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func keysRangesAndInclusiveEnd(backend: Backend) async throws {
            // api16 keys, key, range, postRange.
            try await backend.withDatabase { db in
                _ = try await seeded(db)
                let keys = try await db.allDocs(
                    AllDocsOptions(keys: ["cherry", "apple", "cherry"]))
                #expect(keys.rows.map(\.id) == ["cherry", "apple", "cherry"])
                let key = try await db.allDocs(AllDocsOptions(startKey: "banana", endKey: "banana"))
                #expect(key.rows.map(\.id) == ["banana"])
                let range = try await db.allDocs(AllDocsOptions(startKey: "b", endKey: "c\u{FFF0}"))
                #expect(range.rows.map(\.id) == ["banana", "cherry"])
                #expect(range.offset == 1)
                let exclusive = try await db.allDocs(
                    AllDocsOptions(startKey: "apple", endKey: "cherry", inclusiveEnd: false))
                #expect(exclusive.rows.map(\.id) == ["apple", "banana"])
                let after = try await db.allDocs(AllDocsOptions(startKey: "c", limit: 1))
                #expect(after.rows.map(\.id) == ["cherry"])
                let upTo = try await db.allDocs(AllDocsOptions(endKey: "banana"))
                #expect(upTo.rows.map(\.id) == ["apple", "banana"])
                let nothing = try await db.allDocs(
                    AllDocsOptions(startKey: "banana", endKey: "banana", inclusiveEnd: false))
                #expect(nothing.rows.isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func descendingLimitAndSkip(backend: Backend) async throws {
            // api16 limitSkip: offset counts the rows skipped before the
            // first one, in the direction read.
            try await backend.withDatabase { db in
                _ = try await seeded(db)
                let paged = try await db.allDocs(
                    AllDocsOptions(descending: true, skip: 1, limit: 2))
                #expect(paged.rows.map(\.id) == ["cherry", "banana"])
                #expect(paged.offset == 1)
                #expect(paged.totalRows == 4)
                let range = try await db.allDocs(
                    AllDocsOptions(startKey: "cherry", endKey: "banana", descending: true))
                #expect(range.rows.map(\.id) == ["cherry", "banana"])
                let exclusive = try await db.allDocs(
                    AllDocsOptions(
                        startKey: "date", endKey: "banana", inclusiveEnd: false, descending: true))
                #expect(exclusive.rows.map(\.id) == ["date", "cherry"])
                let none = try await db.allDocs(AllDocsOptions(skip: 10))
                #expect(none.rows.isEmpty)
                #expect(none.totalRows == 4)
                #expect(none.offset == 4)
                let pastTheEnd = try await db.allDocs(AllDocsOptions(startKey: "zzz"))
                #expect(pastTheEnd.rows.isEmpty)
                #expect(pastTheEnd.offset == 4)
                let skipped = try await db.allDocs(AllDocsOptions(startKey: "b", skip: 1))
                #expect(skipped.rows.map(\.id) == ["cherry", "date"])
                #expect(skipped.offset == 2)
            }
        }

        @Test(arguments: Backend.allCases)
        func keysAreReversedSkippedAndLimitedInTheOrderGiven(backend: Backend) async throws {
            // CouchDB's fabric_view_all_docs: with `keys`, `descending`
            // reverses the list, then `skip` and `limit` cut it; there is no
            // offset, and `update_seq` is null.
            try await backend.withDatabase { db in
                _ = try await seeded(db)
                let keys = ["date", "apple", "nothing", "banana"]
                let reversed = try await db.allDocs(AllDocsOptions(keys: keys, descending: true))
                #expect(reversed.rows.map(\.key) == ["banana", "nothing", "apple", "date"])
                let cut = try await db.allDocs(AllDocsOptions(keys: keys, skip: 1, limit: 2))
                #expect(cut.rows.map(\.key) == ["apple", "nothing"])
                #expect(cut.rows[1] == AllDocsRow(id: nil, key: "nothing", error: "not_found"))
                #expect(cut.totalRows == 4)
                let all = try await db.allDocs(AllDocsOptions(keys: keys, skip: 9))
                #expect(all.rows.isEmpty)
                let seq = try await db.allDocs(AllDocsOptions(keys: ["apple"], updateSeq: true))
                #expect(seq.rows.map(\.id) == ["apple"])
                #expect(seq.updateSeq == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func includeDocsConflictsAndUpdateSeq(backend: Backend) async throws {
            // api16 docs, conflicts, seq.
            try await backend.withDatabase { db in
                let revs = try await seeded(db)
                let docs = try await db.allDocs(AllDocsOptions(limit: 1, includeDocs: true))
                #expect(docs.rows[0].doc == ["_id": "apple", "_rev": revs["apple"]!.json, "n": 1])
                let plainDate = try await db.allDocs(
                    AllDocsOptions(startKey: "date", endKey: "date", includeDocs: true))
                #expect(plainDate.rows[0].doc?["_conflicts"] == nil)
                let conflicts = try await db.allDocs(
                    AllDocsOptions(
                        startKey: "date", endKey: "date", includeDocs: true, conflicts: true))
                #expect(conflicts.rows[0].doc?["_conflicts"] == ["1-ffff"])
                #expect(conflicts.rows[0].rev == revs["date"])
                let seq = try await db.allDocs(AllDocsOptions(limit: 0, updateSeq: true))
                #expect(seq.rows.isEmpty)
                #expect(seq.totalRows == 4)
                let updateSeq = try #require(seq.updateSeq)
                #expect(sequencePosition(updateSeq) == 6)
                #expect(
                    sequencePosition(updateSeq) == sequencePosition(try await db.info().updateSeq))
            }
        }

        @Test(arguments: Backend.allCases)
        func keysRowsForDeletedAndMissingIDs(backend: Backend) async throws {
            // CouchDB answers a `keys` row for every key: a deleted document
            // with `value: {rev, deleted: true}` and `doc: null`, an unknown
            // id with `error: not_found`; a plain listing skips both.
            try await backend.withDatabase { db in
                let gone = try await db.put(["_id": "gone"])
                let removed = try await db.remove("gone", rev: gone.rev)
                let here = try await db.put(["_id": "here"])
                let result = try await db.allDocs(
                    AllDocsOptions(keys: ["gone", "nothing", "here"], includeDocs: true))
                #expect(
                    result.rows == [
                        AllDocsRow(id: "gone", key: "gone", rev: removed.rev, isDeleted: true),
                        AllDocsRow(id: nil, key: "nothing", error: "not_found"),
                        AllDocsRow(
                            id: "here", key: "here", rev: here.rev,
                            doc: ["_id": "here", "_rev": here.rev.json]),
                    ])
                #expect(result.totalRows == 1)
                #expect(try await db.allDocs().rows.map(\.id) == ["here"])
            }
        }

        @Test(arguments: Backend.allCases)
        func idsSortByUTF8Bytes(backend: Backend) async throws {
            // CouchDB orders `_all_docs` by raw bytes: "Z" (5A) < "a" (61)
            // < "é" (C3 A9) < "😀" (F0 ...).
            try await backend.withDatabase { db in
                for id in ["😀", "a", "é", "Z"] { try await db.put(["_id": .string(id)]) }
                #expect(try await db.allDocs().rows.map(\.id) == ["Z", "a", "é", "😀"])
            }
        }

        @Test(arguments: Backend.allCases)
        func reversedRangeIsAQueryParseError(backend: Backend) async throws {
            // CouchDB answers 400 query_parse_error when start_key sorts
            // after end_key in the direction asked.
            try await backend.withDatabase { db in
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
    }
}
