import Foundation
import Testing

@testable import Pouch

@Suite struct LocalDocumentTests {
    @Test func revisionsCountUpFromZeroDashOne() async throws {
        // CouchDB scenario api17.
        let db = try Database.inMemory(name: "local")
        try await db.put(["_id": "n"])
        let first = try await db.putLocalDocument([
            "_id": "_local/cp", "last_seq": 42, "history": [["x": 1]],
        ])
        #expect(first == WriteResult(id: "_local/cp", rev: RevisionID(generation: 0, hash: "1")))
        #expect(
            try await db.localDocument("_local/cp") == [
                "_id": "_local/cp", "_rev": "0-1", "last_seq": 42, "history": [["x": 1]],
            ])
        let second = try await db.putLocalDocument([
            "_id": "_local/cp", "_rev": "0-1", "last_seq": 43,
        ])
        #expect(second.rev.description == "0-2")
        #expect(
            try await db.get("_local/cp") == ["_id": "_local/cp", "_rev": "0-2", "last_seq": 43])
        let posted = try await db.post(["_id": "_local/posted", "k": 1])
        #expect(posted.rev.description == "0-1")
        try await db.put(["_id": "_local/with/slash", "k": 2])
        #expect(try await db.localDocument("_local/with/slash")?["k"] == 2)
        let listed = try await db.localDocuments()
        #expect(listed.map(\.id) == ["_local/cp", "_local/posted", "_local/with/slash"])
        #expect(listed[0].rev?.description == "0-2")
        let bulk = try await db.bulkDocs([["_id": "_local/bulk", "v": 1]], newEdits: true)
        #expect(
            bulk == [BulkDocsResult(id: "_local/bulk", rev: RevisionID(generation: 0, hash: "1"))])
    }

    @Test func neverInAllDocsChangesRevsDiffOrCounts() async throws {
        let db = try Database.inMemory(name: "local")
        try await db.put(["_id": "n"])
        let seq = try await db.info().updateSeq
        try await db.putLocalDocument(["_id": "_local/cp", "v": 1])
        #expect(try await db.allDocs().rows.map(\.id) == ["n"])
        #expect(try await db.allDocs().totalRows == 1)
        #expect(try await db.changes(ChangesOptions()).results.map(\.id) == ["n"])
        let info = try await db.info()
        #expect(info.docCount == 1)
        #expect(info.updateSeq == seq)
        #expect(
            try await db.revsDiff(["_local/cp": [RevisionID(generation: 1, hash: "x")]]).isEmpty)
    }

    @Test func removeThenRecreateStartsAgain() async throws {
        let db = try Database.inMemory(name: "local")
        try await db.putLocalDocument(["_id": "_local/cp", "v": 1])
        try await db.removeLocalDocument("_local/cp", rev: RevisionID(generation: 0, hash: "1"))
        #expect(try await db.localDocument("_local/cp") == nil)
        await #expect(throws: PouchError.notFound("missing")) { try await db.get("_local/cp") }
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.removeLocalDocument(
                "_local/never", rev: RevisionID(generation: 0, hash: "1"))
        }
        let again = try await db.putLocalDocument(["_id": "_local/cp", "again": true])
        #expect(again.rev.description == "0-1")
        await #expect(throws: PouchError.badRequest("Invalid rev format")) {
            try await db.putLocalDocument(["_id": "_local/cp", "_rev": "1-abc"])
        }
    }
}
