import Foundation
import TestSupport
import Testing

@testable import Pouch

/// What only the local `Database`'s attachment storage does; attachment
/// behaviour shared with `RemoteDatabase` is in
/// `DatabaseBehaviourTests.Attachments`.
@Suite struct AttachmentTests {
    @Test func replicatedAttachmentKeepsTheDigestItsSourceGave() async throws {
        // A replicated body may carry a digest other than the MD5 of its
        // decoded bytes (CouchDB digests the gzip-encoded bytes of a
        // compressed attachment); it is kept as given so stubs still match.
        let db = try Database.inMemory(name: "replicated")
        let given = "md5-givenByTheSourceAAAAAAAAA=="
        try await db.storeReplicated(
            [
                [
                    "_id": "g", "_rev": "1-g1",
                    "_attachments": [
                        "x": [
                            "content_type": "text/plain", "revpos": 1, "digest": .string(given),
                            "data": "eA==",
                        ]
                    ],
                ]
            ])
        #expect(try await db.get("g")["_attachments"]?["x"]?["digest"] == .string(given))
        try await db.storeReplicated(
            [
                [
                    "_id": "g", "_rev": "2-g2", "_revisions": ["start": 2, "ids": ["g2", "g1"]],
                    "_attachments": ["x": ["stub": true, "revpos": 1]],
                ]
            ])
        #expect(try await db.get("g")["_attachments"]?["x"]?["revpos"] == 1)
    }

    @Test func sharedBodyIsStoredOnceAndSurvivesCompactionOfOneDocument() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let attachment: JSON = ["a.txt": ["content_type": "text/plain", "data": "YWFh"]]
        let one = try await db.put(["_id": "one", "_attachments": attachment])
        try await db.put(["_id": "two", "_attachments": attachment])
        #expect(try await attachmentBodyCount(db) == 1)

        try await db.put(["_id": "one", "_rev": .string(one.rev.description), "dropped": true])
        try await db.compact()
        #expect(
            try await db.getAttachment(docID: "two", name: "a.txt", rev: nil).data
                == Data("aaa".utf8))
        #expect(try await attachmentBodyCount(db) == 1)

        let two = try await db.get("two")
        try await db.put(["_id": "two", "_rev": two["_rev"]!, "dropped": true])
        try await db.compact()
        #expect(try await attachmentBodyCount(db) == 0)
    }

    private func attachmentBodyCount(_ db: Database) async throws -> Int64 {
        try await db.read { store in
            try store.connection.integer("SELECT count(*) FROM attachments")
        }
    }
}
