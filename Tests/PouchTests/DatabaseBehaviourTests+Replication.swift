import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// The calls only a replication makes: `revsDiff` and `bulkGet`, after
    /// CouchDB's `_revs_diff` and `_bulk_get`.
    @Suite struct ReplicationCalls {
        @Test(arguments: Backend.allCases)
        func revsDiffListsMissingRevisionsWithPossibleAncestors(backend: Backend) async throws {
            // api12 rd, known, empty: an ancestor is possible only for a
            // missing revision of a later generation; known ids are left out.
            try await backend.withDatabase { db in
                let docs: [JSON] = [
                    [
                        "_id": "a", "_rev": "3-a3",
                        "_revisions": ["start": 3, "ids": ["a3", "a2", "a1"]],
                    ],
                    ["_id": "b", "_rev": "1-b1"],
                ]
                try await db.storeReplicated(docs)
                let diff = try await db.revsDiff([
                    "a": ["3-a3", "4-a4", "2-zz"].compactMap(RevisionID.init),
                    "b": [RevisionID("1-b1")!],
                    "new": ["1-n1", "2-n2"].compactMap(RevisionID.init),
                ])
                #expect(Set(diff.keys) == ["a", "new"])
                #expect(
                    Set(diff["a"]?.missing ?? [])
                        == Set(["4-a4", "2-zz"].compactMap(RevisionID.init)))
                #expect(diff["a"]?.possibleAncestors == [RevisionID("3-a3")!])
                #expect(
                    Set(diff["new"]?.missing ?? [])
                        == Set(["1-n1", "2-n2"].compactMap(RevisionID.init)))
                #expect(diff["new"]?.possibleAncestors == [])
                let known = try await db.revsDiff([
                    "a": ["1-a1", "2-a2", "3-a3"].compactMap(RevisionID.init)
                ])
                #expect(known.isEmpty)
                #expect(try await db.revsDiff([:]).isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func revsDiffOfADeletedDocumentOffersItsTombstone(backend: Backend) async throws {
            // api12 deleted, rd2.
            try await backend.withDatabase { db in
                try await db.storeReplicated([["_id": "b", "_rev": "1-b1"]])
                let deleted = try await db.remove("b", rev: RevisionID("1-b1")!)
                let diff = try await db.revsDiff(["b": [deleted.rev, RevisionID("3-b3")!]])
                #expect(
                    diff == [
                        "b": RevsDiffResult(
                            missing: [RevisionID("3-b3")!], possibleAncestors: [deleted.rev])
                    ])
            }
        }

        /// api11's documents: `a` at 2-a2 and `c` with two roots.
        func seeded(_ db: any DocumentDatabase) async throws {
            let docs: [JSON] = [
                [
                    "_id": "a", "_rev": "2-a2", "_revisions": ["start": 2, "ids": ["a2", "a1"]],
                    "v": "a",
                ],
                ["_id": "c", "_rev": "1-c1", "v": "c1"], ["_id": "c", "_rev": "1-c2", "v": "c2"],
            ]
            #expect(try await db.bulkDocs(docs, newEdits: false).isEmpty)
        }

        @Test(arguments: Backend.allCases)
        func bulkGetAnswersEachRequestInOrder(backend: Backend) async throws {
            // api11 g: a revision, the winner, an unknown id, an unknown rev.
            try await backend.withDatabase { db in
                try await seeded(db)
                let a: JSON = [
                    "_id": "a", "_rev": "2-a2", "v": "a",
                    "_revisions": ["start": 2, "ids": ["a2", "a1"]],
                ]
                let results = try await db.bulkGet(
                    [
                        BulkGetRequest(id: "a", rev: RevisionID("2-a2")), BulkGetRequest(id: "a"),
                        BulkGetRequest(id: "nope"),
                        BulkGetRequest(id: "a", rev: RevisionID("9-zz")),
                    ], options: BulkGetOptions(revs: true))
                #expect(
                    results == [
                        BulkGetResult(id: "a", docs: [.ok(a)]),
                        BulkGetResult(id: "a", docs: [.ok(a)]),
                        BulkGetResult(
                            id: "nope",
                            docs: [
                                .error(id: "nope", rev: "undefined", error: .notFound("missing"))
                            ]),
                        BulkGetResult(
                            id: "a",
                            docs: [.error(id: "a", rev: "9-zz", error: .notFound("missing"))]),
                    ])
            }
        }

        @Test(arguments: Backend.allCases)
        func bulkGetWithoutRevGivesEveryLeafAndRevsFalseNoHistory(backend: Backend) async throws {
            // api11 leaves, norevs.
            try await backend.withDatabase { db in
                try await seeded(db)
                let leaves = try await db.bulkGet(
                    [BulkGetRequest(id: "c")], options: BulkGetOptions(revs: false))
                let expected: [BulkGetResult.Item] = [
                    .ok(["_id": "c", "_rev": "1-c1", "v": "c1"]),
                    .ok(["_id": "c", "_rev": "1-c2", "v": "c2"]),
                ]
                #expect(leaves.count == 1)
                #expect(leaves.first?.docs.count == 2)
                #expect(expected.allSatisfy { leaves.first?.docs.contains($0) == true })
                let plain = try await db.bulkGet(
                    [BulkGetRequest(id: "a", rev: RevisionID("2-a2"))],
                    options: BulkGetOptions(revs: false))
                #expect(
                    plain == [
                        BulkGetResult(id: "a", docs: [.ok(["_id": "a", "_rev": "2-a2", "v": "a"])])
                    ])
            }
        }

        @Test(arguments: Backend.allCases)
        func bulkGetInlinesAttachmentsAfterAttsSinceAndFollowsLatest(
            backend: Backend
        ) async throws {
            // _bulk_get takes `atts_since` per document, like a get, and
            // `latest` moves an inner revision to its leaf.
            try await backend.withDatabase { db in
                let r1 = try await db.put([
                    "_id": "d", "_attachments": ["a.bin": ["data": "YWFh"]],
                ])
                let r2 = try await db.put([
                    "_id": "d", "_rev": r1.rev.json,
                    "_attachments": ["a.bin": ["stub": true], "b.bin": ["data": "eA=="]],
                ])
                let results = try await db.bulkGet(
                    [BulkGetRequest(id: "d", rev: r2.rev, attsSince: [r1.rev])],
                    options: BulkGetOptions(revs: false, attachments: true))
                guard case .ok(let doc)? = results.first?.docs.first else {
                    Issue.record("expected the revision")
                    return
                }
                #expect(doc["_attachments"]?["a.bin"]?["stub"] == true)
                #expect(doc["_attachments"]?["b.bin"]?["data"] == "eA==")
                let latest = try await db.bulkGet(
                    [BulkGetRequest(id: "d", rev: r1.rev)],
                    options: BulkGetOptions(revs: false, latest: true))
                guard case .ok(let leaf)? = latest.first?.docs.first else {
                    Issue.record("expected the leaf")
                    return
                }
                #expect(leaf["_rev"] == r2.rev.json)
            }
        }
    }
}
