import Foundation
import TestSupport
import Testing

@testable import Pouch

@Suite struct AttachmentTests {
    // Digests below were computed by CouchDB 3.5 (conformance scenarios
    // api10, api18, api19): md5-<base64 of MD5 of the bytes>.
    static let aaaDigest = "md5-R7zlx09Yn0hn29V+nKn4CA=="
    static let pngDigest = "md5-fN2r5d9k2qppJKVhPdIVCg=="

    func stub(_ type: String, revpos: Int, digest: String, length: Int) -> JSON {
        [
            "content_type": .string(type), "revpos": .int(Int64(revpos)), "digest": .string(digest),
            "length": .int(Int64(length)), "stub": true,
        ]
    }

    @Test func inlineDataBecomesStubsAndStubsCarryForward() async throws {
        // CouchDB scenario api19.
        let db = try Database.inMemory(name: "inline")
        let r1 = try await db.put([
            "_id": "d",
            "_attachments": [
                "a.bin": ["content_type": "application/octet-stream", "data": "YWFh"]
            ],
        ])
        let r2 = try await db.put([
            "_id": "d", "_rev": .string(r1.rev.description), "v": 2,
            "_attachments": [
                "a.bin": ["stub": true],
                "b.json": ["content_type": "application/json", "data": "eyJ4IjoxfQ=="],
            ],
        ])
        let doc = try await db.get("d")
        #expect(doc["v"] == 2)
        #expect(
            doc["_attachments"]?["a.bin"]
                == stub("application/octet-stream", revpos: 1, digest: Self.aaaDigest, length: 3))
        let bDigest = AttachmentInfo.digest(of: Array(#"{"x":1}"#.utf8))
        #expect(
            doc["_attachments"]?["b.json"]
                == stub("application/json", revpos: 2, digest: bDigest, length: 7))

        let inline = try await db.get("d", options: GetOptions(attachments: true))
        #expect(
            inline["_attachments"]?["a.bin"] == [
                "content_type": "application/octet-stream", "revpos": 1,
                "digest": .string(Self.aaaDigest), "data": "YWFh",
            ])
        #expect(inline["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")

        let since = try await db.get(
            "d", options: GetOptions(attachments: true, attsSince: [r1.rev]))
        #expect(since["_attachments"]?["a.bin"]?["stub"] == true)
        #expect(since["_attachments"]?["a.bin"]?["data"] == nil)
        #expect(since["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")

        let open = try await db.openRevisions(
            "d", revisions: .revisions([r2.rev]),
            options: GetOptions(revs: true, attachments: true, attsSince: [r1.rev]))
        guard case .ok(let opened)? = open.first else {
            Issue.record("expected the revision")
            return
        }
        #expect(opened["_attachments"]?["a.bin"]?["stub"] == true)
        #expect(opened["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")

        let dropped = try await db.put(["_id": "d", "_rev": .string(r2.rev.description), "v": 3])
        #expect(
            try await db.get("d") == ["_id": "d", "_rev": .string(dropped.rev.description), "v": 3])
    }

    @Test func emptyDataAndDefaultContentType() async throws {
        let db = try Database.inMemory(name: "inline")
        try await db.put([
            "_id": "e", "_attachments": ["empty.txt": ["content_type": "text/plain", "data": ""]],
        ])
        #expect(try await db.get("e")["_attachments"]?["empty.txt"]?["length"] == 0)
        try await db.put(["_id": "f", "_attachments": ["x": ["data": "eA=="]]])
        #expect(
            try await db.get("f")["_attachments"]?["x"]?["content_type"]
                == "application/octet-stream")
    }

    @Test func badBase64AndMissingStubsAreRejected() async throws {
        let db = try Database.inMemory(name: "errors")
        await #expect {
            try await db.put(["_id": "d", "_attachments": ["a": ["data": "not base64!"]]])
        } throws: { ($0 as? PouchError)?.code == .badRequest }
        let first = try await db.put(["_id": "d"])
        await #expect {
            try await db.put([
                "_id": "d", "_rev": .string(first.rev.description),
                "_attachments": ["a": ["stub": true]],
            ])
        } throws: { error in
            let error = error as? PouchError
            return error?.code == .missingStub && error?.status == 412
        }
        let results = try await db.bulkDocs(
            [
                [
                    "_id": "d", "_rev": .string(first.rev.description),
                    "_attachments": ["a": ["stub": true]],
                ]
            ], newEdits: true)
        #expect(results[0].error?.code == .missingStub)
    }

    @Test func replicatedAttachmentKeepsItsDigest() async throws {
        // CouchDB scenario api10: data sent with new_edits=false.
        let db = try Database.inMemory(name: "replicated")
        try await db.bulkDocs(
            [
                [
                    "_id": "w", "_rev": "1-w1",
                    "_attachments": [
                        "f.bin": [
                            "content_type": "application/octet-stream", "revpos": 1, "data": "AAEC",
                        ]
                    ],
                ]
            ],
            newEdits: false)
        #expect(
            try await db.get("w")["_attachments"] == [
                "f.bin": stub(
                    "application/octet-stream", revpos: 1, digest: "md5-uV9n9h67A2GWIteY9F/C0w==",
                    length: 3)
            ])
        #expect(
            try await db.getAttachment(docID: "w", name: "f.bin", rev: nil).data == Data([0, 1, 2]))

        let given = "md5-givenByTheSourceAAAAAAAAA=="
        try await db.bulkDocs(
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
            ],
            newEdits: false)
        #expect(try await db.get("g")["_attachments"]?["x"]?["digest"] == .string(given))
        try await db.bulkDocs(
            [
                [
                    "_id": "g", "_rev": "2-g2", "_revisions": ["start": 2, "ids": ["g2", "g1"]],
                    "_attachments": ["x": ["stub": true, "revpos": 1]],
                ]
            ],
            newEdits: false)
        #expect(try await db.get("g")["_attachments"]?["x"]?["revpos"] == 1)
    }

    @Test func standaloneAttachmentCalls() async throws {
        // CouchDB scenario api18.
        let db = try Database.inMemory(name: "standalone")
        let created = try await db.putAttachment(
            docID: "d", name: "note.txt", rev: nil, data: Data("hello world".utf8),
            contentType: "text/plain")
        #expect(created.rev.generation == 1)
        let first = try await db.get("d")["_attachments"]?["note.txt"]
        #expect(first?["revpos"] == 1)
        #expect(first?["length"] == 11)
        #expect(first?["content_type"] == "text/plain")
        let bytes = try await db.getAttachment(docID: "d", name: "note.txt", rev: nil)
        #expect(bytes.data == Data("hello world".utf8))
        #expect(bytes.contentType == "text/plain")

        let png = try #require(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUg=="))
        let second = try await db.putAttachment(
            docID: "d", name: "img.png", rev: created.rev, data: png, contentType: "image/png")
        #expect(second.rev.generation == 2)
        let both = try await db.get("d")
        #expect(both["_attachments"]?["note.txt"]?["revpos"] == 1)
        #expect(
            both["_attachments"]?["img.png"]
                == stub("image/png", revpos: 2, digest: Self.pngDigest, length: 16))
        #expect(
            try await db.getAttachment(docID: "d", name: "note.txt", rev: created.rev).data
                == Data("hello world".utf8))

        await #expect(throws: PouchError.conflict()) {
            try await db.putAttachment(
                docID: "d", name: "x.txt", rev: created.rev, data: Data("x".utf8),
                contentType: "text/plain")
        }
        await #expect(throws: PouchError.conflict()) {
            try await db.putAttachment(
                docID: "d", name: "x.txt", rev: nil, data: Data("x".utf8), contentType: "text/plain"
            )
        }
        await #expect(throws: PouchError.notFound("Document is missing attachment")) {
            try await db.getAttachment(docID: "d", name: "nope.txt", rev: nil)
        }
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.getAttachment(docID: "nodoc", name: "a.txt", rev: nil)
        }
        let removed = try await db.removeAttachment(docID: "d", name: "note.txt", rev: second.rev)
        #expect(removed.rev.generation == 3)
        let third = try await db.get("d")
        #expect(third["_attachments"]?["note.txt"] == nil)
        #expect(third["_attachments"]?["img.png"]?["revpos"] == 2)
        await #expect(throws: PouchError.notFound("Document is missing attachment")) {
            try await db.removeAttachment(docID: "d", name: "note.txt", rev: removed.rev)
        }
    }

    @Test func stubCarriedThroughThreeEditsKeepsItsFirstRevpos() async throws {
        let db = try Database.inMemory(name: "revpos")
        var rev = try await db.put([
            "_id": "d", "_attachments": ["a.txt": ["content_type": "text/plain", "data": "YWFh"]],
        ]).rev
        for edit in 1...3 {
            rev = try await db.put([
                "_id": "d", "_rev": .string(rev.description), "edit": .int(Int64(edit)),
                "_attachments": ["a.txt": ["stub": true]],
            ]).rev
        }
        #expect(rev.generation == 4)
        let attachment = try await db.get("d")["_attachments"]?["a.txt"]
        #expect(attachment == stub("text/plain", revpos: 1, digest: Self.aaaDigest, length: 3))
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

@Suite struct AttachmentListingTests {
    @Test func allDocsAndChangesInlineAttachmentsWhenAsked() async throws {
        let db = try Database.inMemory(name: "listing")
        try await db.put([
            "_id": "d", "_attachments": ["a.txt": ["content_type": "text/plain", "data": "YWFh"]],
        ])
        let stubs = try await db.allDocs(AllDocsOptions(includeDocs: true))
        #expect(stubs.rows[0].doc?["_attachments"]?["a.txt"]?["stub"] == true)
        let inline = try await db.allDocs(AllDocsOptions(includeDocs: true, attachments: true))
        #expect(inline.rows[0].doc?["_attachments"]?["a.txt"]?["data"] == "YWFh")
        let changes = try await db.changes(ChangesOptions(includeDocs: true, attachments: true))
        #expect(changes.results[0].doc?["_attachments"]?["a.txt"]?["data"] == "YWFh")
    }
}
