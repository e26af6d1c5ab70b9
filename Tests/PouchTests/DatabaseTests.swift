import Foundation
import TestSupport
import Testing

@testable import Pouch

/// What only the local `Database` offers; the document behaviour it shares
/// with `RemoteDatabase` is in `DatabaseBehaviourTests`.
@Suite struct DatabaseTests {
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
        try await db.storeReplicated([["_id": "d", "_rev": "1-ffff", "other": true]])
        try await db.put(["_id": "empty"])
        let optionSets = [
            GetOptions(), GetOptions(revs: true, revsInfo: true, conflicts: true, localSeq: true),
            GetOptions(rev: first.rev, attachments: true), GetOptions(attsSince: [first.rev]),
            GetOptions(rev: first.rev, latest: true),
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
