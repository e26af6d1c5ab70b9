import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// `get` and `openRevisions` with every option of CouchDB's
    /// `GET /db/doc`.
    @Suite struct Get {
        /// api06's document: three edits, then a replicated branch 2-ffff
        /// from the first revision.
        func threeEditsAndABranch(
            _ db: any DocumentDatabase
        ) async throws -> [RevisionID] {
            let r1 = try await db.put(["_id": "d", "n": 1]).rev
            let r2 = try await db.put(["_id": "d", "_rev": r1.json, "n": 2]).rev
            let r3 = try await db.put(["_id": "d", "_rev": r2.json, "n": 3]).rev
            let branch: JSON = [
                "_id": "d", "_rev": "2-ffff",
                "_revisions": ["start": 2, "ids": ["ffff", .string(r1.hash)]], "n": "branch",
            ]
            #expect(try await db.bulkDocs([branch], newEdits: false).isEmpty)
            return [r1, r2, r3]
        }

        @Test(arguments: Backend.allCases)
        func revsListsThePathFromTheRevisionToTheRoot(backend: Backend) async throws {
            // api06: `_revisions` holds the hashes newest first.
            try await backend.withDatabase { db in
                let revs = try await threeEditsAndABranch(db)
                let ids: [JSON] = revs.reversed().map { .string($0.hash) }
                let latest = try await db.get("d", options: GetOptions(revs: true))
                #expect(
                    latest == [
                        "_id": "d", "_rev": revs[2].json, "n": 3,
                        "_revisions": ["start": 3, "ids": .array(ids)],
                    ])
                let older = try await db.get("d", options: GetOptions(rev: revs[1], revs: true))
                #expect(
                    older == [
                        "_id": "d", "_rev": revs[1].json, "n": 2,
                        "_revisions": ["start": 2, "ids": .array(Array(ids.suffix(2)))],
                    ])
                let first = try await db.get("d", options: GetOptions(rev: revs[0]))
                #expect(first == ["_id": "d", "_rev": revs[0].json, "n": 1])
            }
        }

        @Test(arguments: Backend.allCases)
        func revsInfoSaysWhichAncestorsAreAvailable(backend: Backend) async throws {
            // api06: every revision written here keeps its body; api10: the
            // ancestors only named in a replicated `_revisions` are missing.
            try await backend.withDatabase { db in
                let revs = try await threeEditsAndABranch(db)
                let info = try await db.get("d", options: GetOptions(revsInfo: true))
                #expect(
                    info["_revs_info"]
                        == .array(
                            revs.reversed().map { ["rev": $0.json, "status": "available"] }))
                let replicated: JSON = [
                    "_id": "y", "_rev": "3-c3",
                    "_revisions": ["start": 3, "ids": ["c3", "b2", "a1"]], "v": 3,
                ]
                try await db.storeReplicated([replicated])
                let y = try await db.get("y", options: GetOptions(revsInfo: true))
                #expect(
                    y == [
                        "_id": "y", "_rev": "3-c3", "v": 3,
                        "_revs_info": [
                            ["rev": "3-c3", "status": "available"],
                            ["rev": "2-b2", "status": "missing"],
                            ["rev": "1-a1", "status": "missing"],
                        ],
                    ])
            }
        }

        @Test(arguments: Backend.allCases)
        func metaIsConflictsDeletedConflictsAndRevsInfo(backend: Backend) async throws {
            // api06: `meta=true` adds `_conflicts` and `_revs_info`, and no
            // `_deleted_conflicts` when there are none, nor `_local_seq`.
            try await backend.withDatabase { db in
                let revs = try await threeEditsAndABranch(db)
                var options = GetOptions()
                options.meta = true
                let doc = try await db.get("d", options: options)
                #expect(doc["_rev"] == revs[2].json)
                #expect(doc["_conflicts"] == ["2-ffff"])
                #expect(doc["_deleted_conflicts"] == nil)
                #expect(doc["_revs_info"]?.arrayValue?.count == 3)
                #expect(doc["_local_seq"] == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func localSeqIsAnIntegerThatGrowsWithEachEdit(backend: Backend) async throws {
            // api06: `_local_seq` is an integer, the sequence of the
            // document's last update in its own database file.
            try await backend.withDatabase { db in
                let first = try await db.put(["_id": "d", "n": 1])
                try await db.put(["_id": "other"])
                let before = try await db.get("d", options: GetOptions(localSeq: true))
                try await db.put(["_id": "d", "_rev": first.rev.json, "n": 2])
                let after = try await db.get("d", options: GetOptions(localSeq: true))
                let seqs = [before, after].compactMap { $0["_local_seq"]?.intValue }
                #expect(seqs.count == 2)
                #expect(seqs.first! < seqs.last!)
                #expect(after["n"] == 2)
            }
        }

        /// api08's document: three branches from 1-root, one of them
        /// continued by a deletion.
        func threeBranches(_ db: any DocumentDatabase) async throws {
            func branch(_ hash: String, _ value: JSON) -> JSON {
                [
                    "_id": "d", "_rev": .string("2-\(hash)"),
                    "_revisions": ["start": 2, "ids": [.string(hash), "root"]], "v": value,
                ]
            }
            let deletion: JSON = [
                "_id": "d", "_rev": "3-dddd",
                "_revisions": ["start": 3, "ids": ["dddd", "aaaa", "root"]], "_deleted": true,
            ]
            let docs = [branch("aaaa", "a"), branch("bbbb", "b"), branch("cccc", "c"), deletion]
            #expect(try await db.bulkDocs(docs, newEdits: false).isEmpty)
        }

        @Test(arguments: Backend.allCases)
        func conflictingBranchesPickCouchDBsWinner(backend: Backend) async throws {
            // api08: a live leaf beats a deleted one, then the longer
            // branch, then the greater hash.
            try await backend.withDatabase { db in
                try await threeBranches(db)
                #expect(try await db.get("d") == ["_id": "d", "_rev": "2-cccc", "v": "c"])
                let conflicts = try await db.get("d", options: GetOptions(conflicts: true))
                #expect(
                    conflicts == [
                        "_id": "d", "_rev": "2-cccc", "v": "c", "_conflicts": ["2-bbbb"],
                    ])
                let deleted = try await db.get("d", options: GetOptions(deletedConflicts: true))
                #expect(
                    deleted == [
                        "_id": "d", "_rev": "2-cccc", "v": "c", "_deleted_conflicts": ["3-dddd"],
                    ])
                let both = try await db.get(
                    "d", options: GetOptions(conflicts: true, deletedConflicts: true))
                #expect(both["_conflicts"] == ["2-bbbb"])
                #expect(both["_deleted_conflicts"] == ["3-dddd"])
            }
        }

        @Test(arguments: Backend.allCases)
        func conflictsAreListedInWinningOrder(backend: Backend) async throws {
            // couch_doc:to_doc_info sorts leaves live first, then by
            // revision descending; `_conflicts` is that order after the
            // winner.
            try await backend.withDatabase { db in
                let roots: [JSON] = ["aaaa", "cccc", "bbbb"].map {
                    ["_id": "d", "_rev": .string("1-\($0)")]
                }
                try await db.storeReplicated(roots)
                let doc = try await db.get("d", options: GetOptions(conflicts: true))
                #expect(doc == ["_id": "d", "_rev": "1-cccc", "_conflicts": ["1-bbbb", "1-aaaa"]])
            }
        }

        @Test(arguments: Backend.allCases)
        func revReadsAnyLeafAndRejectsUnknownOnes(backend: Backend) async throws {
            // api08: old, tomb, unknown, ancestor.
            try await backend.withDatabase { db in
                try await threeBranches(db)
                let old = try await db.get("d", options: GetOptions(rev: RevisionID("2-aaaa")))
                #expect(old == ["_id": "d", "_rev": "2-aaaa", "v": "a"])
                let tomb = try await db.get("d", options: GetOptions(rev: RevisionID("3-dddd")))
                #expect(tomb == ["_id": "d", "_rev": "3-dddd", "_deleted": true])
                await #expect(throws: PouchError.notFound("missing")) {
                    try await db.get("d", options: GetOptions(rev: RevisionID("2-ffff")))
                }
                await #expect {
                    try await db.get("d", options: GetOptions(rev: RevisionID("1-root")))
                } throws: { ($0 as? PouchError)?.code == .notFound }
            }
        }

        @Test(arguments: Backend.allCases)
        func deletingAConflictLeavesADeletedConflict(backend: Backend) async throws {
            // api08: resolve and after.
            try await backend.withDatabase { db in
                try await threeBranches(db)
                let resolved = try await db.remove("d", rev: RevisionID("2-bbbb")!)
                #expect(resolved.rev.generation == 3)
                let after = try await db.get(
                    "d", options: GetOptions(conflicts: true, deletedConflicts: true))
                #expect(after["_rev"] == "2-cccc")
                #expect(after["_conflicts"] == nil)
                let deleted = after["_deleted_conflicts"]?.arrayValue?.compactMap(\.stringValue)
                #expect(Set(deleted ?? []) == ["3-dddd", resolved.rev.description])
            }
        }

        /// api07's document: 1-aaaa, 2-bbbb, 3-cccc on one branch and a
        /// deleted 2-dddd with a body on another.
        func twoLeaves(_ db: any DocumentDatabase) async throws {
            let docs: [JSON] = [
                ["_id": "d", "_rev": "1-aaaa", "v": "root"],
                [
                    "_id": "d", "_rev": "2-bbbb",
                    "_revisions": ["start": 2, "ids": ["bbbb", "aaaa"]], "v": "b",
                ],
                [
                    "_id": "d", "_rev": "3-cccc",
                    "_revisions": ["start": 3, "ids": ["cccc", "bbbb", "aaaa"]], "v": "c",
                ],
                [
                    "_id": "d", "_rev": "2-dddd",
                    "_revisions": ["start": 2, "ids": ["dddd", "aaaa"]], "v": "d",
                    "_deleted": true,
                ],
            ]
            #expect(try await db.bulkDocs(docs, newEdits: false).isEmpty)
        }

        @Test(arguments: Backend.allCases)
        func openRevsAllGivesEveryLeafDeletedOnesToo(backend: Backend) async throws {
            // api07: all, allMissingDoc.
            try await backend.withDatabase { db in
                try await twoLeaves(db)
                let all = try await db.openRevisions("d", revisions: .all, options: GetOptions())
                let expected: [OpenRevisionResult] = [
                    .ok(["_id": "d", "_rev": "3-cccc", "v": "c"]),
                    .ok(["_id": "d", "_rev": "2-dddd", "_deleted": true, "v": "d"]),
                ]
                #expect(all.count == 2)
                #expect(expected.allSatisfy { all.contains($0) })
                await #expect {
                    try await db.openRevisions("nodoc", revisions: .all, options: GetOptions())
                } throws: { ($0 as? PouchError)?.code == .notFound }
            }
        }

        @Test(arguments: Backend.allCases)
        func openRevsListAnswersEachRevisionInOrder(backend: Backend) async throws {
            // api07: list, revs, inner, missingDoc.
            try await backend.withDatabase { db in
                try await twoLeaves(db)
                let list = try await db.openRevisions(
                    "d", revisions: .revisions([RevisionID("3-cccc")!, RevisionID("9-zzzz")!]),
                    options: GetOptions())
                #expect(
                    list == [
                        .ok(["_id": "d", "_rev": "3-cccc", "v": "c"]),
                        .missing(RevisionID("9-zzzz")!),
                    ])
                let withRevs = try await db.openRevisions(
                    "d", revisions: .revisions([RevisionID("3-cccc")!]),
                    options: GetOptions(revs: true))
                let revisions: JSON = ["start": 3, "ids": ["cccc", "bbbb", "aaaa"]]
                #expect(
                    withRevs == [
                        .ok(["_id": "d", "_rev": "3-cccc", "v": "c", "_revisions": revisions])
                    ])
                let inner = try await db.openRevisions(
                    "d", revisions: .revisions([RevisionID("2-bbbb")!]), options: GetOptions())
                #expect(inner == [.ok(["_id": "d", "_rev": "2-bbbb", "v": "b"])])
                let noDoc = try await db.openRevisions(
                    "nodoc", revisions: .revisions([RevisionID("1-abc")!]), options: GetOptions())
                #expect(noDoc == [.missing(RevisionID("1-abc")!)])
            }
        }

        @Test(arguments: Backend.allCases)
        func latestFollowsARevisionToItsNewestLeaf(backend: Backend) async throws {
            // api07 latest: open_revs=["2-bbbb"]&latest=true answers 3-cccc.
            // CouchDB reads `GET /db/doc?rev=` through open_revs too, so
            // `latest` applies to a single `rev` the same way.
            try await backend.withDatabase { db in
                try await twoLeaves(db)
                let opened = try await db.openRevisions(
                    "d", revisions: .revisions([RevisionID("2-bbbb")!]),
                    options: GetOptions(latest: true))
                #expect(opened == [.ok(["_id": "d", "_rev": "3-cccc", "v": "c"])])
                let got = try await db.get(
                    "d", options: GetOptions(rev: RevisionID("2-bbbb"), latest: true))
                #expect(got == ["_id": "d", "_rev": "3-cccc", "v": "c"])
            }
        }
    }
}
