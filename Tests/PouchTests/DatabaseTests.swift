import Foundation
import TestSupport
import Testing

@testable import Pouch

@Suite struct DatabaseTests {
    @Test func putThenGetReturnsTheBodyWithIdAndRev() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let result = try await db.put(["_id": "d", "n": 1])
        #expect(result.id == "d")
        #expect(result.rev.generation == 1)
        #expect(result.rev.hash.count == 32)
        let doc = try await db.get("d")
        #expect(doc == ["_id": "d", "_rev": .string(result.rev.description), "n": 1])
        #expect(doc.objectValue?.keys == ["_id", "_rev", "n"])
    }

    @Test func updateNeedsTheCurrentRevision() async throws {
        let db = try Database.inMemory(name: "crud")
        let first = try await db.put(["_id": "d", "n": 1])
        await #expect(throws: PouchError.conflict()) { try await db.put(["_id": "d", "n": 2]) }
        let stale: JSON = ["_id": "d", "_rev": "1-00000000000000000000000000000000", "n": 2]
        await #expect(throws: PouchError.conflict()) { try await db.put(stale) }
        let second = try await db.put(["_id": "d", "_rev": .string(first.rev.description), "n": 2])
        #expect(second.rev.generation == 2)
        let again: JSON = ["_id": "d", "_rev": .string(first.rev.description), "n": 9]
        await #expect(throws: PouchError.conflict()) { try await db.put(again) }
    }

    @Test func deletedThenRecreatedContinuesTheGeneration() async throws {
        // CouchDB scenario api04: four edits, a delete (5-), then a PUT
        // without rev makes 6-.
        let db = try Database.inMemory(name: "recreate")
        var rev = try await db.put(["_id": "d", "n": 1]).rev
        for n in 2...4 {
            rev = try await db.put([
                "_id": "d", "_rev": .string(rev.description), "n": .int(Int64(n)),
            ]).rev
        }
        let deleted = try await db.remove("d", rev: rev)
        #expect(deleted.rev.generation == 5)
        await #expect(throws: PouchError.notFound("deleted")) { try await db.get("d") }
        let tombstone = try await db.get("d", options: GetOptions(rev: deleted.rev))
        #expect(
            tombstone == ["_id": "d", "_rev": .string(deleted.rev.description), "_deleted": true])
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

    @Test func postGeneratesA32DigitLowercaseHexID() async throws {
        let db = try Database.inMemory(name: "post")
        let first = try await db.post(["k": "v"])
        let second = try await db.post(["k": "w"])
        #expect(first.id.count == 32)
        #expect(first.id.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first.id != second.id)
        let named = try await db.post(["_id": "named", "k": 1])
        #expect(named.id == "named")
        await #expect(throws: PouchError.conflict()) {
            try await db.post(["_id": "named", "k": 2])
        }
        #expect(try await db.info().docCount == 3)
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

    @Test(arguments: invalidDocuments)
    func rejectsInvalidDocumentsWithCouchDBErrors(doc: JSON, error: PouchError) async throws {
        let db = try Database.inMemory(name: "errors")
        await #expect(throws: error) { try await db.put(doc) }
        #expect(try await db.info().docCount == 0)
    }

    @Test func emptyIDIsIllegal() async throws {
        let db = try Database.inMemory(name: "empty")
        await #expect { try await db.put(["_id": ""]) } throws: { error in
            (error as? PouchError)?.code == .illegalDocID
        }
    }

    @Test func idsAreComparedAsBytesSoNFCAndNFDAreTwoDocuments() async throws {
        let db = try Database.inMemory(name: "unicode")
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        try await db.put(["_id": .string(composed), "form": "NFC"])
        try await db.put(["_id": .string(decomposed), "form": "NFD"])
        #expect(try await db.get(composed)["form"] == "NFC")
        #expect(try await db.get(decomposed)["form"] == "NFD")
        #expect(try await db.info().docCount == 2)
    }

    @Test func typedDocumentsRoundTripThroughCodable() async throws {
        struct Person: Codable, Equatable {
            var name: String
            var age: Int
        }
        let db = try Database.inMemory(name: "typed")
        let written = try await db.put(Person(name: "Ada", age: 36), id: "ada")
        let read = try await db.get("ada", as: Person.self)
        #expect(read == Person(name: "Ada", age: 36))
        let raw = try await db.get("ada")
        #expect(raw["_rev"] == .string(written.rev.description))
        try await db.put(Person(name: "Ada", age: 37), id: "ada", rev: written.rev)
        #expect(try await db.get("ada", as: Person.self).age == 37)
    }

    @Test func fileDatabaseKeepsDocumentsAcrossReopen() async throws {
        let temporary = try TemporaryDatabase()
        try await temporary.database.put(["_id": "kept", "v": 1])
        let reopened = try Database(path: temporary.path)
        #expect(try await reopened.get("kept")["v"] == 1)
        #expect(try await reopened.info().updateSeq == .int(1))
    }
}

@Suite struct TombstoneTests {
    @Test func deletingAnUnknownDocumentWithoutRevCreatesATombstone() async throws {
        // CouchDB accepts `{"_id": "x", "_deleted": true}` for a new id and
        // stores a deleted first revision.
        let db = try Database.inMemory(name: "tombstone")
        let result = try await db.put(["_id": "x", "_deleted": true])
        #expect(result.rev.generation == 1)
        await #expect(throws: PouchError.notFound("deleted")) { try await db.get("x") }
        let info = try await db.info()
        #expect(info.docCount == 0)
        #expect(info.docDelCount == 1)
    }

    @Test func deletedDocumentKeepsBodyFieldsGivenWithTheDeletion() async throws {
        // CouchDB scenario api07: a replicated deleted leaf keeps its body.
        let db = try Database.inMemory(name: "tombstone")
        let first = try await db.put(["_id": "x", "v": 1])
        let deleted = try await db.put([
            "_id": "x", "_rev": .string(first.rev.description), "_deleted": true, "why": "merged",
        ])
        let tombstone = try await db.get("x", options: GetOptions(rev: deleted.rev))
        #expect(
            tombstone == [
                "_id": "x", "_rev": .string(deleted.rev.description), "why": "merged",
                "_deleted": true,
            ])
    }
}

@Suite struct DocumentTextTests {
    @Test func textMatchesTheSerialisedDocumentForEveryOption() async throws {
        let db = try Database.inMemory(name: "text")
        let first = try await db.put([
            "_id": "d", "n": 1.5, "s": "é\"\n", "nested": ["a": [1, 2]],
            "_attachments": ["a.txt": ["content_type": "text/plain", "data": "YWFh"]],
        ])
        try await db.put([
            "_id": "d", "_rev": .string(first.rev.description), "n": 2,
            "_attachments": ["a.txt": ["stub": true]],
        ])
        try await db.bulkDocs([["_id": "d", "_rev": "1-ffff", "other": true]], newEdits: false)
        try await db.put(["_id": "empty"])
        let optionSets = [
            GetOptions(), GetOptions(revs: true, revsInfo: true, conflicts: true, localSeq: true),
            GetOptions(rev: first.rev, attachments: true), GetOptions(attsSince: [first.rev]),
        ]
        for options in optionSets {
            let text = try await db.documentText("d", options: options)
            #expect(text == (try await db.get("d", options: options)).serializedBytes())
        }
        let empty = try await db.documentText("empty", options: GetOptions())
        #expect(try JSON(parsing: empty) == (try await db.get("empty")))
        #expect(empty == (try await db.get("empty")).serializedBytes())
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.documentText("none", options: GetOptions())
        }
    }
}
