import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// `_local` documents, after CouchDB 3's `/db/_local/id`: revisions
    /// `0-N`, never replicated, never listed.
    @Suite struct LocalDocuments {
        @Test(arguments: Backend.allCases)
        func revisionsCountUpFromZeroDashOne(backend: Backend) async throws {
            // api17 p1, g1, p2, g2.
            try await backend.withDatabase { db in
                let first = try await db.putLocalDocument([
                    "_id": "_local/cp", "last_seq": 42, "history": [["x": 1]],
                ])
                #expect(first == WriteResult(id: "_local/cp", rev: RevisionID("0-1")!))
                #expect(
                    try await db.localDocument("_local/cp") == [
                        "_id": "_local/cp", "_rev": "0-1", "last_seq": 42, "history": [["x": 1]],
                    ])
                let second = try await db.putLocalDocument([
                    "_id": "_local/cp", "_rev": "0-1", "last_seq": 43,
                ])
                #expect(second == WriteResult(id: "_local/cp", rev: RevisionID("0-2")!))
                #expect(
                    try await db.get("_local/cp") == [
                        "_id": "_local/cp", "_rev": "0-2", "last_seq": 43,
                    ])
            }
        }

        @Test(arguments: Backend.allCases)
        func putPostAndBulkDocsWriteLocalDocumentsToo(backend: Backend) async throws {
            // api17 post, slash, gSlash, bulk.
            try await backend.withDatabase { db in
                let posted = try await db.post(["_id": "_local/posted", "k": 1])
                #expect(posted == WriteResult(id: "_local/posted", rev: RevisionID("0-1")!))
                let slash = try await db.put(["_id": "_local/with/slash", "k": 2])
                #expect(slash == WriteResult(id: "_local/with/slash", rev: RevisionID("0-1")!))
                #expect(try await db.localDocument("_local/with/slash")?["k"] == 2)
                #expect(try await db.get("_local/with/slash")["k"] == 2)
                let bulk = try await db.bulkDocs([["_id": "_local/bulk", "v": 1]], newEdits: true)
                #expect(bulk == [BulkDocsResult(id: "_local/bulk", rev: RevisionID("0-1")!)])
                #expect(try await db.localDocument("_local/bulk")?["v"] == 1)
            }
        }

        @Test(arguments: Backend.allCases)
        func neverInAllDocsChangesRevsDiffOrCounts(backend: Backend) async throws {
            // api17 all, ch, i1.
            try await backend.withDatabase { db in
                try await db.put(["_id": "n"])
                let before = try await db.info()
                try await db.putLocalDocument(["_id": "_local/cp", "v": 1])
                try await db.put(["_id": "_local/other", "v": 2])
                let all = try await db.allDocs()
                #expect(all.rows.map(\.id) == ["n"])
                #expect(all.totalRows == 1)
                #expect(try await db.changes(ChangesOptions()).results.map(\.id) == ["n"])
                let after = try await db.info()
                #expect(after.docCount == 1)
                #expect(after.docDelCount == 0)
                #expect(after.updateSeq == before.updateSeq)
                let rev = RevisionID(generation: 1, hash: "x")
                #expect(try await db.revsDiff(["_local/cp": [rev]]).isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func removeAnswersZeroDashZeroAndRecreateStartsAgain(backend: Backend) async throws {
            // api17 del, gDel, delMissing, recreate.
            try await backend.withDatabase { db in
                try await db.putLocalDocument(["_id": "_local/cp", "v": 1])
                try await db.putLocalDocument(["_id": "_local/cp", "_rev": "0-1", "v": 2])
                let removed = try await db.remove("_local/cp", rev: RevisionID("0-2")!)
                #expect(removed == WriteResult(id: "_local/cp", rev: RevisionID("0-0")!))
                #expect(try await db.localDocument("_local/cp") == nil)
                await #expect(throws: PouchError.notFound("missing")) {
                    try await db.get("_local/cp")
                }
                await #expect(throws: PouchError.notFound("missing")) {
                    try await db.removeLocalDocument("_local/never", rev: RevisionID("0-1")!)
                }
                let again = try await db.putLocalDocument(["_id": "_local/cp", "again": true])
                #expect(again.rev.description == "0-1")
                try await db.removeLocalDocument("_local/cp", rev: again.rev)
                #expect(try await db.localDocument("_local/cp") == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func theLocalCallsRefuseIDsOutsideLocal(backend: Backend) async throws {
            // The `_local` calls address `/db/_local/...` only: any other id
            // is a bad request, never a read or write of a normal document.
            try await backend.withDatabase { db in
                let normal = try await db.put(["_id": "n", "v": 1])
                let refused = PouchError.badRequest("A local document id must start with _local/")
                await #expect(throws: refused) {
                    try await db.putLocalDocument(["_id": "n", "_rev": normal.rev.json, "v": 2])
                }
                await #expect(throws: refused) { try await db.putLocalDocument(["v": 2]) }
                await #expect(throws: refused) { try await db.localDocument("n") }
                await #expect(throws: refused) {
                    try await db.removeLocalDocument("n", rev: normal.rev)
                }
                let doc = try await db.get("n")
                #expect(doc == ["_id": "n", "_rev": normal.rev.json, "v": 1])
            }
        }

        @Test(arguments: Backend.allCases)
        func aRevThatIsNotZeroDashNumberIsInvalid(backend: Backend) async throws {
            // CouchDB 3 reads a local document's `_rev` as `0-<integer>` and
            // fails the write with "Invalid rev format" for anything else.
            try await backend.withDatabase { db in
                await #expect {
                    try await db.putLocalDocument(["_id": "_local/cp", "_rev": "1-abc"])
                } throws: { ($0 as? PouchError)?.reason == "Invalid rev format" }
                let stored = try await db.localDocument("_local/cp")
                #expect(stored == nil)
            }
        }
    }
}
