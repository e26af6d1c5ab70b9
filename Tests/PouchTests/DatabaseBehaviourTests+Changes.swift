import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// `changes`, after CouchDB's `GET|POST /db/_changes` (normal feed).
    /// Sequences are compared as CouchDB documents them: opaque values that
    /// increase, passed back as `since` exactly as received.
    @Suite struct Changes {
        /// api13's documents: a, b (deleted), c (edited, with a replicated
        /// conflict 1-ffff). Answers the revisions of b's tombstone and c.
        func seeded(
            _ db: any DocumentDatabase
        ) async throws -> (a: RevisionID, b: RevisionID, c: RevisionID) {
            let a = try await db.put(["_id": "a", "n": 1])
            let b = try await db.put(["_id": "b", "n": 2])
            let c = try await db.put(["_id": "c", "n": 3])
            let bDeleted = try await db.remove("b", rev: b.rev)
            let c2 = try await db.put(["_id": "c", "_rev": c.rev.json, "n": 3])
            try await db.storeReplicated(
                [["_id": "c", "_rev": "1-ffff", "n": "conflict"]])
            return (a.rev, bDeleted.rev, c2.rev)
        }

        @Test(arguments: Backend.allCases)
        func emptyDatabaseHasNoChanges(backend: Backend) async throws {
            // api13 empty.
            try await backend.withDatabase { db in
                let changes = try await db.changes(ChangesOptions())
                #expect(changes.results.isEmpty)
                #expect(changes.pending == 0)
                #expect(sequencePosition(changes.lastSeq) == 0)
            }
        }

        @Test(arguments: Backend.allCases)
        func oneRowPerDocumentAtItsLatestSequence(backend: Backend) async throws {
            // api13 all, seqs: deleted rows say so; sequences increase and
            // the last one is `last_seq`.
            try await backend.withDatabase { db in
                let (a, b, c) = try await seeded(db)
                let all = try await db.changes(ChangesOptions())
                #expect(all.results.map(\.id) == ["a", "b", "c"])
                #expect(all.results.map(\.changes) == [[a], [b], [c]])
                #expect(all.results.map(\.isDeleted) == [false, true, false])
                #expect(all.results.allSatisfy { $0.doc == nil })
                let positions = all.results.compactMap { sequencePosition($0.seq) }
                #expect(positions.count == 3)
                #expect(positions == positions.sorted() && Set(positions).count == 3)
                #expect(all.lastSeq == all.results[2].seq)
                #expect(all.pending == 0)
                #expect(sequencePosition(try await db.info().updateSeq) == positions.last)
            }
        }

        @Test(arguments: Backend.allCases)
        func sinceLimitAndPending(backend: Backend) async throws {
            // api13 lim, since, sinceLim, now.
            try await backend.withDatabase { db in
                _ = try await seeded(db)
                let limited = try await db.changes(ChangesOptions(limit: 1))
                #expect(limited.results.map(\.id) == ["a"])
                #expect(limited.pending == 2)
                #expect(limited.lastSeq == limited.results[0].seq)
                let rest = try await db.changes(ChangesOptions(since: .sequence(limited.lastSeq)))
                #expect(rest.results.map(\.id) == ["b", "c"])
                #expect(rest.pending == 0)
                let one = try await db.changes(
                    ChangesOptions(since: .sequence(limited.lastSeq), limit: 1))
                #expect(one.results.map(\.id) == ["b"])
                #expect(one.pending == 1)
                let all = try await db.changes(ChangesOptions())
                let now = try await db.changes(ChangesOptions(since: .now))
                #expect(now.results.isEmpty)
                #expect(sequencePosition(now.lastSeq) == sequencePosition(all.lastSeq))
                let after = try await db.changes(ChangesOptions(since: .sequence(all.lastSeq)))
                #expect(after.results.isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func descendingListsNewestFirst(backend: Backend) async throws {
            // api13 desc.
            try await backend.withDatabase { db in
                _ = try await seeded(db)
                let descending = try await db.changes(ChangesOptions(descending: true))
                #expect(descending.results.map(\.id) == ["c", "b", "a"])
                let positions = descending.results.compactMap { sequencePosition($0.seq) }
                #expect(positions == positions.sorted(by: >))
                let newest = try await db.changes(ChangesOptions(limit: 1, descending: true))
                #expect(newest.results.map(\.id) == ["c"])
            }
        }

        @Test(arguments: Backend.allCases)
        func malformedSinceIsABadRequest(backend: Backend) async throws {
            // api13 badSince.
            try await backend.withDatabase { db in
                await #expect(
                    throws: PouchError.badRequest(
                        "Malformed sequence supplied in 'since' parameter.")
                ) {
                    try await db.changes(ChangesOptions(since: .sequence("garbage")))
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func includeDocsStyleAllDocsAndConflicts(backend: Backend) async throws {
            // api13 docs, alldocs, conflicts.
            try await backend.withDatabase { db in
                let (a, b, c) = try await seeded(db)
                let docs = try await db.changes(ChangesOptions(includeDocs: true))
                #expect(
                    docs.results.map(\.doc) == [
                        ["_id": "a", "_rev": a.json, "n": 1],
                        ["_id": "b", "_rev": b.json, "_deleted": true],
                        ["_id": "c", "_rev": c.json, "n": 3],
                    ])
                let allDocs = try await db.changes(ChangesOptions(style: .allDocs))
                #expect(allDocs.results[0].changes == [a])
                #expect(Set(allDocs.results[2].changes) == [c, RevisionID("1-ffff")!])
                #expect(allDocs.results[2].changes.count == 2)
                let conflicts = try await db.changes(
                    ChangesOptions(includeDocs: true, conflicts: true))
                #expect(conflicts.results[2].doc?["_conflicts"] == ["1-ffff"])
                #expect(conflicts.results[0].doc?["_conflicts"] == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func styleAllDocsListsDeletedLeavesToo(backend: Backend) async throws {
            // `style=all_docs` lists every leaf, deleted ones included,
            // winner first; the row is not deleted while a live leaf wins.
            try await backend.withDatabase { db in
                let docs: [JSON] = [
                    ["_id": "d", "_rev": "1-aaaa"],
                    [
                        "_id": "d", "_rev": "2-bbbb",
                        "_revisions": ["start": 2, "ids": ["bbbb", "aaaa"]],
                    ],
                    [
                        "_id": "d", "_rev": "3-dddd", "_deleted": true,
                        "_revisions": ["start": 3, "ids": ["dddd", "cccc", "aaaa"]],
                    ],
                ]
                try await db.storeReplicated(docs)
                let changes = try await db.changes(ChangesOptions(style: .allDocs))
                #expect(changes.results.map(\.id) == ["d"])
                #expect(
                    changes.results.first?.changes
                        == ["2-bbbb", "3-dddd"].compactMap(RevisionID.init))
                #expect(changes.results.first?.isDeleted == false)
                let main = try await db.changes(ChangesOptions())
                #expect(main.results.first?.changes == [RevisionID("2-bbbb")!])
            }
        }

        /// api14's documents, without the design document.
        func people(_ db: any DocumentDatabase) async throws {
            let stored = try await db.bulkDocs(
                [
                    ["_id": "c1", "type": "clinic"],
                    ["_id": "p1", "type": "person", "age": 30],
                    ["_id": "p2", "type": "person", "age": 12],
                ],
                newEdits: true)
            #expect(stored.allSatisfy { $0.error == nil })
        }

        @Test(arguments: Backend.allCases)
        func docIDsFilterKeepsFeedOrderAndSkipsUnknownIDs(backend: Backend) async throws {
            // api14 ids, idsLimit: rows in feed order, `last_seq` the last
            // row's sequence.
            try await backend.withDatabase { db in
                try await people(db)
                let ids = try await db.changes(
                    ChangesOptions(filter: .docIDs(["p2", "c1", "ghost"])))
                #expect(ids.results.map(\.id) == ["c1", "p2"])
                #expect(ids.lastSeq == ids.results[1].seq)
                let limited = try await db.changes(
                    ChangesOptions(limit: 1, filter: .docIDs(["p2", "c1"])))
                #expect(limited.results.map(\.id) == ["c1"])
                let rest = try await db.changes(
                    ChangesOptions(
                        since: .sequence(limited.lastSeq), filter: .docIDs(["p2", "c1"])))
                #expect(rest.results.map(\.id) == ["p2"])
            }
        }

        @Test(arguments: Backend.allCases)
        func selectorFilterMatchesTheWinningBody(backend: Backend) async throws {
            // api14 sel, selDocs.
            try await backend.withDatabase { db in
                try await people(db)
                let adults = try await db.changes(
                    ChangesOptions(filter: .selector(["type": "person", "age": ["$gt": 18]])))
                #expect(adults.results.map(\.id) == ["p1"])
                #expect(adults.pending == 0)
                let clinics = try await db.changes(
                    ChangesOptions(includeDocs: true, filter: .selector(["type": "clinic"])))
                #expect(clinics.results.map(\.id) == ["c1"])
                #expect(clinics.results.first?.doc?["type"] == "clinic")
            }
        }

        @Test(arguments: Backend.allCases)
        func deletionsPassFiltersAsTheirTombstones(backend: Backend) async throws {
            // A deletion is a row with `deleted: true`; a doc-ids filter
            // passes it, and a selector sees the tombstone's own body.
            try await backend.withDatabase { db in
                try await people(db)
                let p1 = try await db.get("p1")
                let p2 = try await db.get("p2")
                let plain = try await db.remove("p1", rev: revision(of: p1)!)
                let kept = try await db.put([
                    "_id": "p2", "_rev": p2["_rev"]!, "_deleted": true, "type": "person",
                ])
                let ids = try await db.changes(
                    ChangesOptions(includeDocs: true, filter: .docIDs(["p1"])))
                #expect(ids.results.count == 1)
                #expect(ids.results.first?.isDeleted == true)
                #expect(ids.results.first?.changes == [plain.rev])
                #expect(
                    ids.results.first?.doc == [
                        "_id": "p1", "_rev": plain.rev.json, "_deleted": true,
                    ])
                let people = try await db.changes(
                    ChangesOptions(filter: .selector(["type": "person"])))
                #expect(people.results.map(\.id) == ["p2"])
                #expect(people.results.first?.isDeleted == true)
                #expect(people.results.first?.changes == [kept.rev])
            }
        }
    }
}

extension DatabaseBehaviourTests.Changes {
    /// The changes of a live feed until it ends (at its `limit`); `write` is
    /// called once, after `writeAfter` changes have arrived. Gives up after
    /// a minute, so a feed that does not end fails the test instead of
    /// hanging it.
    func liveChanges(
        _ db: any DocumentDatabase, _ options: ChangesOptions, writeAfter: Int,
        write: @escaping @Sendable () async throws -> Void
    ) async throws -> [Change] {
        let received = try await withThrowingTaskGroup(of: [Change]?.self) { group in
            group.addTask {
                var received: [Change] = []
                for try await change in db.liveChanges(options) {
                    received.append(change)
                    if received.count == writeAfter { try await write() }
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let received else {
            Issue.record("the live feed did not end at its limit")
            return []
        }
        return received
    }

    @Test(arguments: Backend.allCases)
    func liveFeedGivesTheBacklogThenNewChangesUpToLimit(backend: Backend) async throws {
        // CouchDB's feed=continuous (or a longpoll loop): rows after
        // `since`, then each new change; `limit` ends the feed.
        try await backend.withDatabase { db in
            try await db.put(["_id": "a"])
            let b = try await db.put(["_id": "b"])
            let changes = try await liveChanges(db, ChangesOptions(limit: 3), writeAfter: 2) {
                try await db.remove("b", rev: b.rev)
            }
            #expect(changes.map(\.id) == ["a", "b", "b"])
            #expect(changes.map(\.isDeleted) == [false, false, true])
            let positions = changes.compactMap { sequencePosition($0.seq) }
            #expect(positions.count == 3 && positions == positions.sorted())
        }
    }

    @Test(arguments: Backend.allCases)
    func liveFeedAppliesItsFilterAndIncludeDocs(backend: Backend) async throws {
        try await backend.withDatabase { db in
            try await db.put(["_id": "a"])
            try await db.put(["_id": "b", "n": 1])
            let options = ChangesOptions(limit: 2, includeDocs: true, filter: .docIDs(["b", "c"]))
            let changes = try await liveChanges(db, options, writeAfter: 1) {
                try await db.put(["_id": "x"])
                try await db.put(["_id": "c", "n": 2])
            }
            #expect(changes.map(\.id) == ["b", "c"])
            #expect(changes.map { $0.doc?["n"] } == [1, 2])
        }
    }
}
