import Foundation
import Pouch
import TestSupport
import Testing

/// One behavioural suite for every `DocumentDatabase`: each test runs once
/// per `Backend` (the SQLite `Database` and a `RemoteDatabase` on a
/// `PouchServer`) and asserts the same values, taken from CouchDB 3.5's
/// answers in the conformance scenarios (api04 to api19, named in each
/// test). Nested suites cover get options, bulk docs, all docs, changes,
/// attachments and `_local` documents.
@Suite struct DatabaseBehaviourTests {
    @Test(arguments: Backend.allCases)
    func putThenGetReturnsTheBodyWithIDAndRev(backend: Backend) async throws {
        // api04: a first revision is 1-<32 lowercase hex digits>.
        try await backend.withDatabase { db in
            let result = try await db.put(["_id": "d", "n": 1])
            #expect(result.id == "d")
            #expect(result.rev.generation == 1)
            #expect(result.rev.hash.count == 32)
            #expect(result.rev.hash.allSatisfy { "0123456789abcdef".contains($0) })
            let doc = try await db.get("d")
            #expect(doc == ["_id": "d", "_rev": result.rev.json, "n": 1])
            #expect(doc.objectValue?.keys == ["_id", "_rev", "n"])
        }
    }

    @Test(arguments: Backend.allCases)
    func updateNeedsTheCurrentRevision(backend: Backend) async throws {
        // api04: no rev, an unknown rev and a stale rev are 409 conflict.
        try await backend.withDatabase { db in
            let first = try await db.put(["_id": "d", "n": 1])
            await #expect(throws: PouchError.conflict()) {
                try await db.put(["_id": "d", "n": 2])
            }
            let unknown: JSON = ["_id": "d", "_rev": "1-00000000000000000000000000000000"]
            await #expect(throws: PouchError.conflict()) { try await db.put(unknown) }
            let second = try await db.put(["_id": "d", "_rev": first.rev.json, "n": 2])
            #expect(second.rev.generation == 2)
            await #expect(throws: PouchError.conflict()) {
                try await db.put(["_id": "d", "_rev": first.rev.json, "n": 9])
            }
            await #expect(throws: PouchError.conflict()) {
                try await db.remove("d", rev: first.rev)
            }
            #expect(try await db.get("d")["n"] == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func deletedThenRecreatedContinuesTheGeneration(backend: Backend) async throws {
        // api04: four edits, a delete (5-), then a put without rev makes 6-.
        try await backend.withDatabase { db in
            var rev = try await db.put(["_id": "d", "n": 1]).rev
            for n in 2...4 {
                rev = try await db.put(["_id": "d", "_rev": rev.json, "n": .int(Int64(n))]).rev
            }
            let deleted = try await db.remove("d", rev: rev)
            #expect(deleted == WriteResult(id: "d", rev: deleted.rev))
            #expect(deleted.rev.generation == 5)
            await #expect(throws: PouchError.notFound("deleted")) { try await db.get("d") }
            let tombstone = try await db.get("d", options: GetOptions(rev: deleted.rev))
            #expect(tombstone == ["_id": "d", "_rev": deleted.rev.json, "_deleted": true])
            await #expect(throws: PouchError.notFound("missing")) { try await db.get("never") }
            let missingRev = RevisionID(generation: 1, hash: "00000000000000000000000000000000")
            await #expect(throws: PouchError.notFound("missing")) {
                try await db.remove("never", rev: missingRev)
            }
            let recreated = try await db.put(["_id": "d", "n": 10])
            #expect(recreated.rev.generation == 6)
            let info = try await db.info()
            #expect(info.docCount == 1)
            #expect(info.docDelCount == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func aRevisionForAnUnknownDocumentIsAConflict(backend: Backend) async throws {
        // CouchDB: an edit of a revision the database never had conflicts.
        try await backend.withDatabase { db in
            await #expect(throws: PouchError.conflict()) {
                try await db.put(["_id": "new", "_rev": "1-abc", "v": 1])
            }
            await #expect(throws: PouchError.notFound("missing")) { try await db.get("new") }
        }
    }

    @Test(arguments: Backend.allCases)
    func aTombstoneCanBeEditedBackToLife(backend: Backend) async throws {
        // Writing on top of the deleted leaf by its revision continues the
        // branch, as a put without `_rev` does.
        try await backend.withDatabase { db in
            let first = try await db.put(["_id": "d", "v": 1])
            let deleted = try await db.remove("d", rev: first.rev)
            let revived = try await db.put(["_id": "d", "_rev": deleted.rev.json, "v": 2])
            #expect(revived.rev.generation == 3)
            let doc = try await db.get("d", options: GetOptions(revs: true))
            #expect(doc["v"] == 2)
            #expect(
                doc["_revisions"] == [
                    "start": 3,
                    "ids": [
                        .string(revived.rev.hash), .string(deleted.rev.hash),
                        .string(first.rev.hash),
                    ],
                ])
        }
    }

    @Test(arguments: Backend.allCases)
    func postGeneratesAnIDOrUsesTheGivenOne(backend: Backend) async throws {
        // api05: a generated id (CouchDB's are 32 lowercase hex digits),
        // a new one each time; a given `_id` is used, and conflicts again.
        try await backend.withDatabase { db in
            let first = try await db.post(["k": "v"])
            let second = try await db.post(["k": "w"])
            #expect(first.id.count == 32)
            #expect(first.id.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(first.id != second.id)
            #expect(first.rev.generation == 1)
            #expect(
                try await db.get(first.id) == [
                    "_id": .string(first.id), "_rev": first.rev.json, "k": "v",
                ])
            let named = try await db.post(["_id": "named", "k": 1])
            #expect(named.id == "named")
            await #expect(throws: PouchError.conflict()) {
                try await db.post(["_id": "named", "k": 2])
            }
            let edited = try await db.post(["_id": "named", "_rev": named.rev.json, "k": 3])
            #expect(edited.rev.generation == 2)
            await #expect(throws: PouchError.badRequest("Document must be a JSON object")) {
                try await db.post([1, 2])
            }
            #expect(try await db.info().docCount == 3)
        }
    }

    static let invalidDocuments: [(JSON, PouchError)] = [
        (JSON.array([1]), PouchError.badRequest("Document must be a JSON object")),
        (
            ["_id": "_foo"],
            PouchError.illegalDocID("Only reserved document ids may start with underscore.")
        ),
        (
            ["_id": "_design/"],
            PouchError.illegalDocID("Only reserved document ids may start with underscore.")
        ),
        (["_id": 42], PouchError.illegalDocID("Document id must be a string")),
        (["_id": "y", "_foo": 1], PouchError.docValidation("Bad special document member: _foo")),
        (["_id": "y", "_rev": "abc"], PouchError.badRequest("Invalid rev format")),
    ]

    @Test(arguments: Backend.allCases, invalidDocuments)
    func putRejectsInvalidDocumentsWithCouchDBErrors(
        backend: Backend, invalid: (doc: JSON, error: PouchError)
    ) async throws {
        // api22: the error bodies and statuses of CouchDB 3.5.
        try await backend.withDatabase { db in
            await #expect(throws: invalid.error) { try await db.put(invalid.doc) }
            let info = try await db.info()
            #expect(info.docCount == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func postRejectsIllegalIDs(backend: Backend) async throws {
        // api22: underscoreIdPost and nonStringId.
        try await backend.withDatabase { db in
            await #expect(
                throws: PouchError.illegalDocID(
                    "Only reserved document ids may start with underscore.")
            ) { try await db.post(["_id": "_foo"]) }
            await #expect(throws: PouchError.illegalDocID("Document id must be a string")) {
                try await db.post(["_id": 42])
            }
            let info = try await db.info()
            #expect(info.docCount == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func anEmptyIDIsNeverADocument(backend: Backend) async throws {
        // CouchDB's validate_docid: "Document id must not be empty". No
        // document can be read under it either, and no call with it may
        // touch the database itself (`DELETE /db` with an empty id).
        try await backend.withDatabase { db in
            let kept = try await db.put(["_id": "kept"])
            let empty = PouchError.illegalDocID("Document id must not be empty")
            await #expect(throws: empty) { try await db.put(["_id": ""]) }
            await #expect(throws: empty) { try await db.remove("", rev: kept.rev) }
            await #expect(throws: empty) {
                try await db.putAttachment(
                    docID: "", name: "kept", rev: kept.rev, data: Data("x".utf8),
                    contentType: "text/plain")
            }
            await #expect(throws: empty) {
                try await db.removeAttachment(docID: "", name: "kept", rev: kept.rev)
            }
            await #expect(throws: PouchError.notFound("missing")) { try await db.get("") }
            await #expect(throws: PouchError.notFound("missing")) {
                try await db.openRevisions("", revisions: .all, options: GetOptions())
            }
            await #expect(throws: PouchError.notFound("missing")) {
                try await db.getAttachment(docID: "", name: "kept", rev: nil)
            }
            let info = try await db.info()
            #expect(info.docCount == 1)
            #expect(try await db.get("kept") == ["_id": "kept", "_rev": kept.rev.json])
        }
    }

    @Test(arguments: Backend.allCases)
    func idsAreComparedAsBytesSoNFCAndNFDAreTwoDocuments(backend: Backend) async throws {
        // CouchDB never normalises ids: é as one code point and as e plus a
        // combining accent are two documents.
        try await backend.withDatabase { db in
            let composed = "caf\u{E9}"
            let decomposed = "cafe\u{301}"
            try await db.put(["_id": .string(composed), "form": "NFC"])
            try await db.put(["_id": .string(decomposed), "form": "NFD"])
            #expect(try await db.get(composed)["form"] == "NFC")
            #expect(try await db.get(decomposed)["form"] == "NFD")
            #expect(try await db.info().docCount == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func idsWithSlashesSpacesAndDesignPrefixRoundTrip(backend: Backend) async throws {
        try await backend.withDatabase { db in
            for id in ["a/b", "with space", "plus+sign?", "100%#frag", "é&=;", "_design/app"] {
                let written = try await db.put(["_id": .string(id), "v": 1])
                #expect(written.id == id)
                #expect(try await db.get(id)["_id"] == .string(id))
                let removed = try await db.remove(id, rev: written.rev)
                #expect(removed.id == id)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func bodiesRoundTripValueForValue(backend: Backend) async throws {
        // Whatever JSON a document holds comes back as written: exact
        // 64-bit integers, fractions, escapes, nesting and member order.
        try await backend.withDatabase { db in
            let body: JSON = [
                "_id": "d", "big": .int(Int64.max), "small": .int(Int64.min), "half": 0.5,
                "tiny": 1.5e-300, "text": "tab\t quote\" nul\u{0} é 😀", "null": .null,
                "list": [1, "two", [3], ["four": 4]], "flag": false, "empty": [:],
            ]
            let written = try await db.put(body)
            var expected = body
            expected["_rev"] = written.rev.json
            let read = try await db.get("d")
            #expect(read == expected)
            #expect(read.objectValue?.keys.filter { $0 != "_rev" } == body.objectValue?.keys)
        }
    }

    @Test(arguments: Backend.allCases)
    func membersCouchDBAddsOnReadAreDroppedOnWrite(backend: Backend) async throws {
        // couch_doc:from_json_obj accepts and drops `_conflicts`,
        // `_deleted_conflicts`, `_local_seq` and `_revs_info`, so a document
        // read with options can be written back.
        try await backend.withDatabase { db in
            let written = try await db.put([
                "_id": "d", "v": 1, "_conflicts": ["1-x"], "_deleted_conflicts": ["1-y"],
                "_local_seq": 5, "_revs_info": [["rev": "1-x", "status": "missing"]],
            ])
            #expect(try await db.get("d") == ["_id": "d", "_rev": written.rev.json, "v": 1])
        }
    }

    @Test(arguments: Backend.allCases)
    func designDocumentsAreListedAndFedLikeOthers(backend: Backend) async throws {
        // `_all_docs` and `_changes` include design documents; "_" (5F)
        // sorts before lowercase letters.
        try await backend.withDatabase { db in
            try await db.put(["_id": "apple"])
            try await db.put(["_id": "_design/app", "views": [:]])
            try await db.put(["_id": "Zebra"])
            let all = try await db.allDocs()
            #expect(all.rows.map(\.id) == ["Zebra", "_design/app", "apple"])
            #expect(all.totalRows == 3)
            let changes = try await db.changes(ChangesOptions())
            #expect(changes.results.map(\.id) == ["apple", "_design/app", "Zebra"])
            #expect(try await db.info().docCount == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func editingAConflictingLeafExtendsThatBranch(backend: Backend) async throws {
        // Any leaf may be edited; the longer branch then wins and the
        // former winner becomes the conflict.
        try await backend.withDatabase { db in
            let first = try await db.put(["_id": "d", "v": "first"])
            try await db.storeReplicated([["_id": "d", "_rev": "1-ffff", "v": "other"]])
            let loser = first.rev < RevisionID("1-ffff")! ? first.rev : RevisionID("1-ffff")!
            let winner = loser == first.rev ? RevisionID("1-ffff")! : first.rev
            #expect(try await db.get("d")["_rev"] == winner.json)
            let edited = try await db.put(["_id": "d", "_rev": loser.json, "v": "edited"])
            #expect(edited.rev.generation == 2)
            let doc = try await db.get("d", options: GetOptions(conflicts: true))
            #expect(
                doc == [
                    "_id": "d", "_rev": edited.rev.json, "v": "edited",
                    "_conflicts": .array([winner.json]),
                ])
        }
    }

    @Test(arguments: Backend.allCases)
    func deletingAnUnknownDocumentWithoutRevCreatesATombstone(backend: Backend) async throws {
        // CouchDB accepts `{"_id": "x", "_deleted": true}` for a new id and
        // stores a deleted first revision.
        try await backend.withDatabase { db in
            let result = try await db.put(["_id": "x", "_deleted": true])
            #expect(result.rev.generation == 1)
            await #expect(throws: PouchError.notFound("deleted")) { try await db.get("x") }
            let info = try await db.info()
            #expect(info.docCount == 0)
            #expect(info.docDelCount == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func deletedDocumentKeepsBodyFieldsGivenWithTheDeletion(backend: Backend) async throws {
        // api07: a deleted leaf keeps the body it was written with.
        try await backend.withDatabase { db in
            let first = try await db.put(["_id": "x", "v": 1])
            let deleted = try await db.put([
                "_id": "x", "_rev": first.rev.json, "_deleted": true, "why": "merged",
            ])
            let tombstone = try await db.get("x", options: GetOptions(rev: deleted.rev))
            #expect(
                tombstone == [
                    "_id": "x", "_rev": deleted.rev.json, "why": "merged", "_deleted": true,
                ])
        }
    }
}
