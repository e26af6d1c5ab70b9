import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// `bulkDocs` with and without `new_edits`, after CouchDB's
    /// `POST /db/_bulk_docs`.
    @Suite struct BulkDocs {
        @Test(arguments: Backend.allCases)
        func newEditsAnswersEachDocumentInOrder(backend: Backend) async throws {
            // api09 b1, b2, ga, gb.
            try await backend.withDatabase { db in
                let first = try await db.bulkDocs(
                    [["_id": "a", "n": 1], ["_id": "b", "n": 2], ["n": 3]], newEdits: true)
                #expect(first.count == 3)
                #expect(first.map(\.id).prefix(2) == ["a", "b"])
                #expect(first.allSatisfy { $0.rev?.generation == 1 && $0.error == nil })
                #expect(!first[2].id.isEmpty && !first[2].id.hasPrefix("_"))
                let aRev = try #require(first[0].rev)
                let bRev = try #require(first[1].rev)
                let second = try await db.bulkDocs(
                    [
                        ["_id": "a", "n": 10], ["_id": "b", "_rev": bRev.json, "n": 20],
                        ["_id": "c", "n": 30], ["_id": "a", "_rev": aRev.json, "_deleted": true],
                    ], newEdits: true)
                #expect(second.count == 4)
                #expect(second[0] == BulkDocsResult(id: "a", error: .conflict()))
                #expect(second[1].id == "b")
                #expect(second[1].rev?.generation == 2)
                #expect(second[2].id == "c")
                #expect(second[2].rev?.generation == 1)
                #expect(second[3].id == "a")
                #expect(second[3].rev?.generation == 2)
                await #expect(throws: PouchError.notFound("deleted")) { try await db.get("a") }
                #expect(
                    try await db.get("b") == ["_id": "b", "_rev": second[1].rev!.json, "n": 20])
            }
        }

        @Test(arguments: Backend.allCases)
        func aRepeatedIDInOneBatchConflictsWithItself(backend: Backend) async throws {
            // api09 dup, count.
            try await backend.withDatabase { db in
                let results = try await db.bulkDocs(
                    [["_id": "dup", "n": 1], ["_id": "dup", "n": 2]], newEdits: true)
                #expect(results.count == 2)
                #expect(results[0].id == "dup")
                #expect(results[0].rev?.generation == 1)
                #expect(results[1] == BulkDocsResult(id: "dup", error: .conflict()))
                #expect(try await db.get("dup")["n"] == 1)
            }
        }

        @Test(arguments: Backend.allCases)
        func anInvalidDocumentFailsTheWholeBatch(backend: Backend) async throws {
            // api09 badid, fineAbsent, notObj, empty.
            try await backend.withDatabase { db in
                await #expect(
                    throws: PouchError.illegalDocID(
                        "Only reserved document ids may start with underscore.")
                ) {
                    try await db.bulkDocs([["_id": "fine"], ["_id": "_bad"]], newEdits: true)
                }
                await #expect(throws: PouchError.notFound("missing")) { try await db.get("fine") }
                await #expect(throws: PouchError.badRequest("Document must be a JSON object")) {
                    try await db.bulkDocs([["_id": "fine"], 1], newEdits: true)
                }
                #expect(try await db.bulkDocs([], newEdits: true).isEmpty)
                let info = try await db.info()
                #expect(info.docCount == 0)
                #expect(sequencePosition(info.updateSeq) == 0)
            }
        }

        @Test(arguments: Backend.allCases)
        func aMissingStubFailsOnlyItsDocument(backend: Backend) async throws {
            // CouchDB answers `missing_stub` in the row of a document whose
            // attachment stub names no attachment of its previous revision.
            try await backend.withDatabase { db in
                let first = try await db.put(["_id": "d"])
                let results = try await db.bulkDocs(
                    [
                        [
                            "_id": "d", "_rev": first.rev.json,
                            "_attachments": ["a": ["stub": true]],
                        ],
                        ["_id": "e", "n": 1],
                    ], newEdits: true)
                #expect(results.count == 2)
                #expect(results[0].id == "d")
                #expect(results[0].error?.code == .missingStub)
                #expect(results[0].error?.status == 412)
                #expect(results[1].rev?.generation == 1)
                #expect(try await db.get("d")["_rev"] == first.rev.json)
            }
        }

        @Test(arguments: Backend.allCases)
        func newEditsFalseMergesHistoriesAndAnswersNothing(backend: Backend) async throws {
            // api10 b1, again, gy, gz.
            try await backend.withDatabase { db in
                let docs: [JSON] = [
                    ["_id": "x", "_rev": "1-a1", "v": 1],
                    [
                        "_id": "y", "_rev": "3-c3",
                        "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]], "v": 3,
                    ],
                    [
                        "_id": "z", "_rev": "2-zz",
                        "_revisions": ["start": 2, "ids": ["zz", "z1"]], "_deleted": true,
                    ],
                ]
                #expect(try await db.bulkDocs(docs, newEdits: false).isEmpty)
                let seqBefore = try await db.info().updateSeq
                let again = try await db.bulkDocs(
                    [["_id": "x", "_rev": "1-a1", "v": 1]], newEdits: false)
                #expect(again.isEmpty)
                #expect(try await db.info().updateSeq == seqBefore)
                let y = try await db.get("y", options: GetOptions(revs: true))
                #expect(
                    y == [
                        "_id": "y", "_rev": "3-c3", "v": 3,
                        "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]],
                    ])
                await #expect(throws: PouchError.notFound("deleted")) { try await db.get("z") }
                let info = try await db.info()
                #expect(info.docCount == 2)
                #expect(info.docDelCount == 1)
            }
        }

        @Test(arguments: Backend.allCases)
        func newEditsFalseGraftsBranchesAndIgnoresKnownAncestors(backend: Backend) async throws {
            // api10 graft, gy2, older, gy3, changes.
            try await backend.withDatabase { db in
                let y: JSON = [
                    "_id": "y", "_rev": "3-c3",
                    "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]], "v": 3,
                ]
                try await db.storeReplicated([["_id": "x", "_rev": "1-a1"], y])
                let graft: JSON = [
                    "_id": "y", "_rev": "4-d4",
                    "_revisions": ["start": 4, "ids": ["d4", "c3"]], "v": 4,
                ]
                try await db.storeReplicated([graft])
                let grafted = try await db.get(
                    "y", options: GetOptions(revs: true, conflicts: true))
                #expect(grafted["_rev"] == "4-d4")
                #expect(grafted["_revisions"] == ["start": 4, "ids": ["d4", "c3", "b2", "a1"]])
                #expect(grafted["_conflicts"] == nil)

                let older: JSON = [
                    "_id": "y", "_rev": "2-b2",
                    "_revisions": ["start": 2, "ids": ["b2", "a1"]], "v": "old",
                ]
                try await db.storeReplicated([older])
                let leaves = try await db.openRevisions("y", revisions: .all, options: GetOptions())
                #expect(leaves.count == 1)
                guard case .ok(let leaf)? = leaves.first else {
                    Issue.record("expected the leaf 4-d4")
                    return
                }
                #expect(leaf["_rev"] == "4-d4")
                let changes = try await db.changes(ChangesOptions(style: .allDocs))
                #expect(changes.results.map(\.id) == ["x", "y"])
            }
        }

        @Test(arguments: Backend.allCases)
        func newEditsFalseRejectsABadRevBeforeWritingAnything(backend: Backend) async throws {
            // api10 mixed.
            try await backend.withDatabase { db in
                await #expect(throws: PouchError.badRequest("Invalid rev format")) {
                    try await db.bulkDocs(
                        [["_id": "v", "_rev": "1-v1"], ["_id": "u", "_rev": "notarev"]],
                        newEdits: false)
                }
                let info = try await db.info()
                #expect(info.docCount == 0)
            }
        }

        @Test(arguments: Backend.allCases)
        func newEditsFalseMakesAConflictThatStyleAllDocsShows(backend: Backend) async throws {
            // api13 cf and alldocs: a replicated 1-ffff beside an edited
            // document; the changes row lists both leaves.
            try await backend.withDatabase { db in
                let c = try await db.put(["_id": "c", "n": 3])
                let c2 = try await db.put(["_id": "c", "_rev": c.rev.json, "n": 3])
                try await db.storeReplicated(
                    [["_id": "c", "_rev": "1-ffff", "n": "conflict"]])
                let changes = try await db.changes(ChangesOptions(style: .allDocs))
                #expect(changes.results.map(\.id) == ["c"])
                #expect(Set(changes.results[0].changes) == [c2.rev, RevisionID("1-ffff")!])
                #expect(changes.results[0].changes.count == 2)
                let doc = try await db.get("c", options: GetOptions(conflicts: true))
                #expect(doc == ["_id": "c", "_rev": c2.rev.json, "n": 3, "_conflicts": ["1-ffff"]])
            }
        }
    }
}
