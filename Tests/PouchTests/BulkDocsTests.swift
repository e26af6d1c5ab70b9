import Foundation
import TestSupport
import Testing

@testable import Pouch

@Suite struct BulkDocsTests {
    @Test func newEditsAnswersEachDocumentInOrder() async throws {
        // CouchDB scenario api09.
        let db = try Database.inMemory(name: "bulk")
        let first = try await db.bulkDocs(
            [["_id": "a", "n": 1], ["_id": "b", "n": 2], ["n": 3]], newEdits: true)
        #expect(first.map(\.id).prefix(2) == ["a", "b"])
        #expect(first.allSatisfy { $0.rev?.generation == 1 && $0.error == nil })
        let aRev = try #require(first[0].rev)
        let bRev = try #require(first[1].rev)
        let second = try await db.bulkDocs(
            [
                ["_id": "a", "n": 10],
                ["_id": "b", "_rev": .string(bRev.description), "n": 20],
                ["_id": "c", "n": 30],
                ["_id": "a", "_rev": .string(aRev.description), "_deleted": true],
            ], newEdits: true)
        #expect(second[0] == BulkDocsResult(id: "a", error: .conflict()))
        #expect(second[1].rev?.generation == 2)
        #expect(second[2].rev?.generation == 1)
        #expect(second[3].rev?.generation == 2)
        await #expect(throws: PouchError.notFound("deleted")) { try await db.get("a") }
        #expect(try await db.get("b")["n"] == 20)

        let duplicate = try await db.bulkDocs(
            [["_id": "dup", "n": 1], ["_id": "dup", "n": 2]], newEdits: true)
        #expect(duplicate[0].rev != nil)
        #expect(duplicate[1] == BulkDocsResult(id: "dup", error: .conflict()))
        let info = try await db.info()
        #expect(info.docCount == 4)
        #expect(info.docDelCount == 1)
    }

    @Test func anIllegalIDFailsTheWholeBatch() async throws {
        let db = try Database.inMemory(name: "bulk")
        await #expect(
            throws: PouchError.illegalDocID("Only reserved document ids may start with underscore.")
        ) {
            try await db.bulkDocs([["_id": "fine"], ["_id": "_bad"]], newEdits: true)
        }
        await #expect(throws: PouchError.notFound("missing")) { try await db.get("fine") }
        #expect(try await db.bulkDocs([], newEdits: true).isEmpty)
    }

    @Test func newEditsFalseMergesHistoriesAndAnswersNothing() async throws {
        // CouchDB scenario api10.
        let db = try Database.inMemory(name: "replicated")
        let result = try await db.bulkDocs(
            [
                ["_id": "x", "_rev": "1-a1", "v": 1],
                [
                    "_id": "y", "_rev": "3-c3",
                    "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]], "v": 3,
                ],
                [
                    "_id": "z", "_rev": "2-zz", "_revisions": ["start": 2, "ids": ["zz", "z1"]],
                    "_deleted": true,
                ],
            ], newEdits: false)
        #expect(result.isEmpty)
        let seqBefore = try await db.info().updateSeq
        #expect(
            try await db.bulkDocs([["_id": "x", "_rev": "1-a1", "v": 1]], newEdits: false).isEmpty)
        #expect(try await db.info().updateSeq == seqBefore)

        let y = try await db.get("y", options: GetOptions(revs: true))
        #expect(
            y == [
                "_id": "y", "_rev": "3-c3", "v": 3,
                "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]],
            ])
        await #expect(throws: PouchError.notFound("deleted")) { try await db.get("z") }

        try await db.bulkDocs(
            [
                [
                    "_id": "y", "_rev": "4-d4", "_revisions": ["start": 4, "ids": ["d4", "c3"]],
                    "v": 4,
                ]
            ],
            newEdits: false)
        let grafted = try await db.get("y", options: GetOptions(revs: true, conflicts: true))
        #expect(grafted["_revisions"] == ["start": 4, "ids": ["d4", "c3", "b2", "a1"]])
        #expect(grafted["_conflicts"] == nil)

        try await db.bulkDocs(
            [
                [
                    "_id": "y", "_rev": "2-b2", "_revisions": ["start": 2, "ids": ["b2", "a1"]],
                    "v": "old",
                ]
            ],
            newEdits: false)
        let leaves = try await db.openRevisions("y", revisions: .all, options: GetOptions())
        #expect(leaves.count == 1)
        if case .ok(let doc) = leaves.first { #expect(doc["_rev"] == "4-d4") }

        let changes = try await db.changes(ChangesOptions(style: .allDocs))
        #expect(changes.results.map(\.id) == ["x", "z", "y"])
        #expect(changes.results[1].isDeleted)
    }

    @Test func newEditsFalseRejectsABadRevBeforeWritingAnything() async throws {
        let db = try Database.inMemory(name: "replicated")
        await #expect(throws: PouchError.badRequest("Invalid rev format")) {
            try await db.bulkDocs(
                [["_id": "v", "_rev": "1-v1"], ["_id": "u", "_rev": "notarev"]], newEdits: false)
        }
        #expect(try await db.info().docCount == 0)
    }

    @Test func conflictingBranchesPickCouchDBsWinner() async throws {
        // CouchDB scenario api08: live beats deleted, then generation,
        // then the greater hash.
        let db = try Database.inMemory(name: "winner")
        try await db.bulkDocs(
            [
                [
                    "_id": "d", "_rev": "2-aaaa",
                    "_revisions": ["start": 2, "ids": ["aaaa", "root"]], "v": "a",
                ],
                [
                    "_id": "d", "_rev": "2-bbbb",
                    "_revisions": ["start": 2, "ids": ["bbbb", "root"]], "v": "b",
                ],
                [
                    "_id": "d", "_rev": "2-cccc",
                    "_revisions": ["start": 2, "ids": ["cccc", "root"]], "v": "c",
                ],
                [
                    "_id": "d", "_rev": "3-dddd",
                    "_revisions": ["start": 3, "ids": ["dddd", "aaaa", "root"]], "_deleted": true,
                ],
            ], newEdits: false)
        #expect(try await db.get("d") == ["_id": "d", "_rev": "2-cccc", "v": "c"])
        let both = try await db.get(
            "d", options: GetOptions(conflicts: true, deletedConflicts: true))
        #expect(
            both == [
                "_id": "d", "_rev": "2-cccc", "v": "c", "_conflicts": ["2-bbbb"],
                "_deleted_conflicts": ["3-dddd"],
            ])
        #expect(
            try await db.get("d", options: GetOptions(rev: RevisionID("2-aaaa"))) == [
                "_id": "d", "_rev": "2-aaaa", "v": "a",
            ])
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.get("d", options: GetOptions(rev: RevisionID("2-ffff")))
        }
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.get("d", options: GetOptions(rev: RevisionID("1-root")))
        }

        let resolved = try await db.remove("d", rev: RevisionID("2-bbbb")!)
        #expect(resolved.rev.generation == 3)
        let after = try await db.get(
            "d", options: GetOptions(conflicts: true, deletedConflicts: true))
        #expect(after["_conflicts"] == nil)
        let deleted = Set(after["_deleted_conflicts"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(deleted == ["3-dddd", resolved.rev.description])
    }
}

@Suite struct LargeBulkDocsTests {
    @Test func anInvalidDocumentLateInALargeBatchWritesNothing() async throws {
        let db = try Database.inMemory(name: "large")
        var docs: [JSON] = (0..<1000).map { ["_id": .string("doc-\($0)")] }
        docs[900] = ["_id": "_bad"]
        await #expect(
            throws: PouchError.illegalDocID("Only reserved document ids may start with underscore.")
        ) {
            try await db.bulkDocs(docs, newEdits: true)
        }
        let info = try await db.info()
        #expect(info.docCount == 0)
        #expect(info.updateSeq == .int(0))
    }

    @Test func aLargeBatchAnswersEveryDocumentInOrder() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let docs: [JSON] = (0..<1000).map { ["_id": .string(String(format: "doc-%04d", $0))] }
        let results = try await db.bulkDocs(docs + [["_id": "doc-0000"]], newEdits: true)
        #expect(results.count == 1001)
        #expect(results.prefix(1000).map(\.id) == docs.map { $0["_id"]!.stringValue! })
        #expect(results.prefix(1000).allSatisfy { $0.rev?.generation == 1 })
        #expect(results[1000] == BulkDocsResult(id: "doc-0000", error: .conflict()))
        #expect(try await db.info().updateSeq == .int(1000))
    }
}
