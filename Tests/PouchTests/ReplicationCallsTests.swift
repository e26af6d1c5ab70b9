import Foundation
import Testing

@testable import Pouch

@Suite struct ReplicationCallsTests {
    @Test func revsDiffListsMissingRevisionsAndPossibleAncestors() async throws {
        // CouchDB scenario api12.
        let db = try Database.inMemory(name: "diff")
        try await db.storeReplicated(
            [
                [
                    "_id": "a", "_rev": "3-a3",
                    "_revisions": ["start": 3, "ids": ["a3", "a2", "a1"]],
                ],
                ["_id": "b", "_rev": "1-b1"],
            ])
        let revs = { (texts: [String]) in texts.compactMap(RevisionID.init) }
        let diff = try await db.revsDiff([
            "a": revs(["3-a3", "4-a4", "2-zz"]), "b": revs(["1-b1"]),
            "new": revs(["1-n1", "2-n2"]),
        ])
        #expect(diff.count == 2)
        #expect(Set(diff["a"]?.missing ?? []) == Set(revs(["4-a4", "2-zz"])))
        #expect(diff["a"]?.possibleAncestors == revs(["3-a3"]))
        #expect(Set(diff["new"]?.missing ?? []) == Set(revs(["1-n1", "2-n2"])))
        #expect(diff["new"]?.possibleAncestors == [])
        #expect(try await db.revsDiff(["a": revs(["1-a1", "2-a2", "3-a3"])]).isEmpty)
        #expect(try await db.revsDiff([:]).isEmpty)

        let deleted = try await db.remove("b", rev: RevisionID("1-b1")!)
        let second = try await db.revsDiff(["b": [deleted.rev] + revs(["3-b3"])])
        #expect(
            second["b"] == RevsDiffResult(missing: revs(["3-b3"]), possibleAncestors: [deleted.rev])
        )
    }

    @Test func bulkGetAnswersRevisionsLeavesAndErrors() async throws {
        // CouchDB scenario api11.
        let db = try Database.inMemory(name: "bulkget")
        try await db.storeReplicated(
            [
                [
                    "_id": "a", "_rev": "2-a2", "_revisions": ["start": 2, "ids": ["a2", "a1"]],
                    "v": "a",
                ],
                ["_id": "c", "_rev": "1-c1", "v": "c1"],
                ["_id": "c", "_rev": "1-c2", "v": "c2"],
            ])
        let results = try await db.bulkGet(
            [
                BulkGetRequest(id: "a", rev: RevisionID("2-a2")), BulkGetRequest(id: "a"),
                BulkGetRequest(id: "nope"), BulkGetRequest(id: "a", rev: RevisionID("9-zz")),
            ], options: BulkGetOptions(revs: true))
        let a: JSON = [
            "_id": "a", "_rev": "2-a2", "v": "a", "_revisions": ["start": 2, "ids": ["a2", "a1"]],
        ]
        #expect(results[0] == BulkGetResult(id: "a", docs: [.ok(a)]))
        #expect(results[1] == BulkGetResult(id: "a", docs: [.ok(a)]))
        #expect(
            results[2]
                == BulkGetResult(
                    id: "nope",
                    docs: [.error(id: "nope", rev: "undefined", error: .notFound("missing"))]))
        #expect(
            results[3]
                == BulkGetResult(
                    id: "a", docs: [.error(id: "a", rev: "9-zz", error: .notFound("missing"))]))

        let leaves = try await db.bulkGet(
            [BulkGetRequest(id: "c")], options: BulkGetOptions(revs: false))
        let bodies = Set(
            leaves[0].docs.compactMap { item -> JSON? in
                if case .ok(let doc) = item { return doc }
                return nil
            })
        #expect(
            bodies == [
                ["_id": "c", "_rev": "1-c1", "v": "c1"], ["_id": "c", "_rev": "1-c2", "v": "c2"],
            ])
    }

    @Test func openRevisionsAllListAndLatest() async throws {
        // CouchDB scenario api07.
        let db = try Database.inMemory(name: "openrevs")
        try await db.storeReplicated(
            [
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
                    "_revisions": ["start": 2, "ids": ["dddd", "aaaa"]], "v": "d", "_deleted": true,
                ],
            ])
        let all = try await db.openRevisions("d", revisions: .all, options: GetOptions())
        #expect(
            Set(all.map { "\($0)" })
                == Set(
                    [
                        OpenRevisionResult.ok(["_id": "d", "_rev": "3-cccc", "v": "c"]),
                        .ok(["_id": "d", "_rev": "2-dddd", "v": "d", "_deleted": true]),
                    ].map { "\($0)" }))
        let list = try await db.openRevisions(
            "d", revisions: .revisions([RevisionID("3-cccc")!, RevisionID("9-zzzz")!]),
            options: GetOptions())
        #expect(
            list == [
                .ok(["_id": "d", "_rev": "3-cccc", "v": "c"]), .missing(RevisionID("9-zzzz")!),
            ])
        let inner = try await db.openRevisions(
            "d", revisions: .revisions([RevisionID("2-bbbb")!]), options: GetOptions())
        #expect(inner == [.ok(["_id": "d", "_rev": "2-bbbb", "v": "b"])])
        let latest = try await db.openRevisions(
            "d", revisions: .revisions([RevisionID("2-bbbb")!]), options: GetOptions(latest: true))
        #expect(latest == [.ok(["_id": "d", "_rev": "3-cccc", "v": "c"])])
        let revs = try await db.openRevisions(
            "d", revisions: .revisions([RevisionID("3-cccc")!]), options: GetOptions(revs: true))
        guard case .ok(let withRevs)? = revs.first else {
            Issue.record("expected a document")
            return
        }
        #expect(withRevs["_revisions"] == ["start": 3, "ids": ["cccc", "bbbb", "aaaa"]])
        let unknown = try await db.openRevisions(
            "nodoc", revisions: .revisions([RevisionID("1-abc")!]), options: GetOptions())
        #expect(unknown == [.missing(RevisionID("1-abc")!)])
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.openRevisions("nodoc", revisions: .all, options: GetOptions())
        }
    }
}
