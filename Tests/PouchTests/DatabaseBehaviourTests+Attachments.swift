import Foundation
import Pouch
import Testing

extension DatabaseBehaviourTests {
    /// Attachments inline in documents and through the standalone calls,
    /// after CouchDB's `_attachments` member and `/db/doc/name`.
    @Suite struct Attachments {
        // Digests computed by CouchDB 3.5 (conformance scenarios api10,
        // api18, api19): md5-<base64 of the MD5 of the bytes>.
        static let aaaDigest = "md5-R7zlx09Yn0hn29V+nKn4CA=="
        static let pngDigest = "md5-fN2r5d9k2qppJKVhPdIVCg=="
        static let bytes012Digest = "md5-uV9n9h67A2GWIteY9F/C0w=="
        // Computed with `openssl md5 -binary | base64`.
        static let helloWorldDigest = "md5-XrY7u+Ae7tCTyyK7j1rNww=="
        static let jsonDigest = "md5-rD70jKoI+j7V4CXaae3GRQ=="
        static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUg==")!

        static func stub(_ type: String, revpos: Int, digest: String, length: Int) -> JSON {
            [
                "content_type": .string(type), "revpos": .int(Int64(revpos)),
                "digest": .string(digest), "length": .int(Int64(length)), "stub": true,
            ]
        }

        /// The two revisions of api19: a.bin at 1, b.json added at 2.
        func twoRevisions(_ db: any DocumentDatabase) async throws -> [RevisionID] {
            let r1 = try await db.put([
                "_id": "d",
                "_attachments": [
                    "a.bin": ["content_type": "application/octet-stream", "data": "YWFh"]
                ],
            ])
            let r2 = try await db.put([
                "_id": "d", "_rev": r1.rev.json, "v": 2,
                "_attachments": [
                    "a.bin": ["stub": true],
                    "b.json": ["content_type": "application/json", "data": "eyJ4IjoxfQ=="],
                ],
            ])
            return [r1.rev, r2.rev]
        }

        @Test(arguments: Backend.allCases)
        func inlineDataBecomesStubsAndStubsCarryForward(backend: Backend) async throws {
            // api19 stubs.
            try await backend.withDatabase { db in
                _ = try await twoRevisions(db)
                let doc = try await db.get("d")
                #expect(doc["v"] == 2)
                let attachments = try #require(doc["_attachments"]?.objectValue)
                #expect(attachments.keys.sorted() == ["a.bin", "b.json"])
                #expect(
                    attachments["a.bin"]
                        == Self.stub(
                            "application/octet-stream", revpos: 1, digest: Self.aaaDigest,
                            length: 3))
                #expect(
                    attachments["b.json"]
                        == Self.stub(
                            "application/json", revpos: 2, digest: Self.jsonDigest, length: 7))
            }
        }

        @Test(arguments: Backend.allCases)
        func attachmentsTrueInlinesAndAttsSinceSkipsKnownOnes(backend: Backend) async throws {
            // api19 inline, since, openRevsAtts.
            try await backend.withDatabase { db in
                let revs = try await twoRevisions(db)
                let inline = try await db.get("d", options: GetOptions(attachments: true))
                #expect(
                    inline["_attachments"]?["a.bin"] == [
                        "content_type": "application/octet-stream", "revpos": 1,
                        "digest": .string(Self.aaaDigest), "data": "YWFh",
                    ])
                #expect(inline["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")
                #expect(inline["_attachments"]?["b.json"]?["stub"] == nil)

                let since = try await db.get(
                    "d", options: GetOptions(attachments: true, attsSince: [revs[0]]))
                #expect(since["_attachments"]?["a.bin"]?["stub"] == true)
                #expect(since["_attachments"]?["a.bin"]?["data"] == nil)
                #expect(since["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")

                let open = try await db.openRevisions(
                    "d", revisions: .revisions([revs[1]]),
                    options: GetOptions(revs: true, attachments: true, attsSince: [revs[0]]))
                guard case .ok(let opened)? = open.first else {
                    Issue.record("expected the revision")
                    return
                }
                #expect(opened["_attachments"]?["a.bin"]?["stub"] == true)
                #expect(opened["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")
            }
        }

        @Test(arguments: Backend.allCases)
        func attsSinceAloneInlinesTheNewerAttachments(backend: Backend) async throws {
            // CouchDB's `atts_since` implies `attachments=true` for the
            // attachments added after the given revisions.
            try await backend.withDatabase { db in
                let revs = try await twoRevisions(db)
                let since = try await db.get("d", options: GetOptions(attsSince: [revs[0]]))
                #expect(since["_attachments"]?["a.bin"]?["stub"] == true)
                #expect(since["_attachments"]?["b.json"]?["data"] == "eyJ4IjoxfQ==")
            }
        }

        @Test(arguments: Backend.allCases)
        func replacingAnAttachmentMovesItsRevposAndDigest(backend: Backend) async throws {
            // CouchDB gives a replaced body the revpos of the revision that
            // wrote it.
            try await backend.withDatabase { db in
                let first = try await db.putAttachment(
                    docID: "d", name: "a.txt", rev: nil, data: Data("hello world".utf8),
                    contentType: "text/plain")
                let second = try await db.putAttachment(
                    docID: "d", name: "a.txt", rev: first.rev, data: Data("aaa".utf8),
                    contentType: "text/csv")
                #expect(second.rev.generation == 2)
                #expect(
                    try await db.get("d")["_attachments"] == [
                        "a.txt": Self.stub("text/csv", revpos: 2, digest: Self.aaaDigest, length: 3)
                    ])
                let old = try await db.getAttachment(docID: "d", name: "a.txt", rev: first.rev)
                #expect(
                    old
                        == AttachmentData(
                            data: Data("hello world".utf8), contentType: "text/plain",
                            digest: Self.helloWorldDigest))
            }
        }

        @Test(arguments: Backend.allCases)
        func anEditWithoutAttachmentsDropsThem(backend: Backend) async throws {
            // api19 drop, dropped.
            try await backend.withDatabase { db in
                let revs = try await twoRevisions(db)
                let dropped = try await db.put(["_id": "d", "_rev": revs[1].json, "v": 3])
                #expect(try await db.get("d") == ["_id": "d", "_rev": dropped.rev.json, "v": 3])
                let old = try await db.getAttachment(docID: "d", name: "a.bin", rev: revs[1])
                #expect(old.data == Data("aaa".utf8))
            }
        }

        @Test(arguments: Backend.allCases)
        func emptyDataAndDefaultContentType(backend: Backend) async throws {
            // api19 emptyData, noType.
            try await backend.withDatabase { db in
                try await db.put([
                    "_id": "e",
                    "_attachments": ["empty.txt": ["content_type": "text/plain", "data": ""]],
                ])
                #expect(try await db.get("e")["_attachments"]?["empty.txt"]?["length"] == 0)
                let empty = try await db.getAttachment(docID: "e", name: "empty.txt", rev: nil)
                #expect(empty.data.isEmpty)
                try await db.put(["_id": "f", "_attachments": ["x": ["data": "eA=="]]])
                #expect(
                    try await db.get("f")["_attachments"]?["x"]?["content_type"]
                        == "application/octet-stream")
            }
        }

        @Test(arguments: Backend.allCases)
        func badBase64AndMissingStubsAreRejected(backend: Backend) async throws {
            // CouchDB: 400 bad_request for data that is not base64, 412
            // missing_stub for a stub naming no attachment of `_rev`.
            try await backend.withDatabase { db in
                await #expect {
                    try await db.put(["_id": "d", "_attachments": ["a": ["data": "not base64!"]]])
                } throws: { ($0 as? PouchError)?.code == .badRequest }
                let first = try await db.put(["_id": "d"])
                await #expect {
                    try await db.put([
                        "_id": "d", "_rev": first.rev.json, "_attachments": ["a": ["stub": true]],
                    ])
                } throws: { error in
                    let error = error as? PouchError
                    return error?.code == .missingStub && error?.status == 412
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func namesStartingWithAnUnderscoreAreRefused(backend: Backend) async throws {
            // CouchDB's validate_attachment_name, inline and standalone.
            try await backend.withDatabase { db in
                let refused = PouchError.badRequest(
                    "Attachment name '_foo.txt' starts with prohibited character '_'")
                await #expect(throws: refused) {
                    try await db.put([
                        "_id": "d", "_attachments": ["_foo.txt": ["data": "YWFh"]],
                    ])
                }
                await #expect(throws: refused) {
                    try await db.putAttachment(
                        docID: "d", name: "_foo.txt", rev: nil, data: Data("aaa".utf8),
                        contentType: "text/plain")
                }
                let info = try await db.info()
                #expect(info.docCount == 0)
                let d = try await db.put(["_id": "d"])
                await #expect(throws: refused) {
                    try await db.removeAttachment(docID: "d", name: "_foo.txt", rev: d.rev)
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func replicatedAttachmentKeepsItsDigestAndRevpos(backend: Backend) async throws {
            // api10 att, gw, gwAtt.
            try await backend.withDatabase { db in
                let attachment: JSON = [
                    "content_type": "application/octet-stream", "revpos": 1, "data": "AAEC",
                ]
                try await db.storeReplicated(
                    [["_id": "w", "_rev": "1-w1", "_attachments": ["f.bin": attachment]]])
                #expect(
                    try await db.get("w")["_attachments"] == [
                        "f.bin": Self.stub(
                            "application/octet-stream", revpos: 1, digest: Self.bytes012Digest,
                            length: 3)
                    ])
                let bytes = try await db.getAttachment(docID: "w", name: "f.bin", rev: nil)
                #expect(bytes.data == Data([0, 1, 2]))
                #expect(bytes.digest == Self.bytes012Digest)

                let next: JSON = [
                    "_id": "w", "_rev": "2-w2", "_revisions": ["start": 2, "ids": ["w2", "w1"]],
                    "_attachments": ["f.bin": ["stub": true, "revpos": 1]],
                ]
                try await db.storeReplicated([next])
                let stub = try await db.get("w")["_attachments"]?["f.bin"]
                #expect(stub?["revpos"] == 1)
                #expect(stub?["digest"] == .string(Self.bytes012Digest))
            }
        }

        @Test(arguments: Backend.allCases)
        func stubCarriedThroughThreeEditsKeepsItsFirstRevpos(backend: Backend) async throws {
            try await backend.withDatabase { db in
                var rev = try await db.put([
                    "_id": "d",
                    "_attachments": ["a.txt": ["content_type": "text/plain", "data": "YWFh"]],
                ]).rev
                for edit in 1...3 {
                    rev = try await db.put([
                        "_id": "d", "_rev": rev.json, "edit": .int(Int64(edit)),
                        "_attachments": ["a.txt": ["stub": true]],
                    ]).rev
                }
                #expect(rev.generation == 4)
                let attachment = try await db.get("d")["_attachments"]?["a.txt"]
                #expect(
                    attachment
                        == Self.stub("text/plain", revpos: 1, digest: Self.aaaDigest, length: 3))
            }
        }

        @Test(arguments: Backend.allCases)
        func standalonePutCreatesAndUpdates(backend: Backend) async throws {
            // api18 new, get1, bytes, bin, get2, binBytes, oldRevAtt.
            try await backend.withDatabase { db in
                let created = try await db.putAttachment(
                    docID: "d", name: "note.txt", rev: nil, data: Data("hello world".utf8),
                    contentType: "text/plain")
                #expect(created.id == "d")
                #expect(created.rev.generation == 1)
                let noteDigest = Self.helloWorldDigest
                let note = Self.stub("text/plain", revpos: 1, digest: noteDigest, length: 11)
                #expect(try await db.get("d")["_attachments"] == ["note.txt": note])
                let bytes = try await db.getAttachment(docID: "d", name: "note.txt", rev: nil)
                #expect(
                    bytes
                        == AttachmentData(
                            data: Data("hello world".utf8), contentType: "text/plain",
                            digest: noteDigest))

                let second = try await db.putAttachment(
                    docID: "d", name: "img.png", rev: created.rev, data: Self.png,
                    contentType: "image/png")
                #expect(second.rev.generation == 2)
                let both = try await db.get("d")
                #expect(both["_rev"] == second.rev.json)
                #expect(
                    both["_attachments"] == [
                        "note.txt": note,
                        "img.png": Self.stub(
                            "image/png", revpos: 2, digest: Self.pngDigest, length: 16),
                    ])
                let png = try await db.getAttachment(docID: "d", name: "img.png", rev: nil)
                #expect(
                    png
                        == AttachmentData(
                            data: Self.png, contentType: "image/png", digest: Self.pngDigest))
                let old = try await db.getAttachment(docID: "d", name: "note.txt", rev: created.rev)
                #expect(old.data == Data("hello world".utf8))
            }
        }

        @Test(arguments: Backend.allCases)
        func standaloneErrors(backend: Backend) async throws {
            // api18 stale, noRev, missingAtt, missingDoc; a deleted
            // document's attachment is `not_found` `deleted`.
            try await backend.withDatabase { db in
                let created = try await db.putAttachment(
                    docID: "d", name: "note.txt", rev: nil, data: Data("hello".utf8),
                    contentType: "text/plain")
                let second = try await db.putAttachment(
                    docID: "d", name: "img.png", rev: created.rev, data: Self.png,
                    contentType: "image/png")
                let x = Data("x".utf8)
                await #expect(throws: PouchError.conflict()) {
                    try await db.putAttachment(
                        docID: "d", name: "x.txt", rev: created.rev, data: x,
                        contentType: "text/plain")
                }
                await #expect(throws: PouchError.conflict()) {
                    try await db.putAttachment(
                        docID: "d", name: "x.txt", rev: nil, data: x, contentType: "text/plain")
                }
                await #expect(throws: PouchError.notFound("Document is missing attachment")) {
                    try await db.getAttachment(docID: "d", name: "nope.txt", rev: nil)
                }
                await #expect(throws: PouchError.notFound("missing")) {
                    try await db.getAttachment(docID: "nodoc", name: "a.txt", rev: nil)
                }
                try await db.remove("d", rev: second.rev)
                await #expect(throws: PouchError.notFound("deleted")) {
                    try await db.getAttachment(docID: "d", name: "img.png", rev: nil)
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func standaloneRemoveMakesANewRevision(backend: Backend) async throws {
            // api18 del, get3, delGone.
            try await backend.withDatabase { db in
                let created = try await db.putAttachment(
                    docID: "d", name: "note.txt", rev: nil, data: Data("hello".utf8),
                    contentType: "text/plain")
                let second = try await db.putAttachment(
                    docID: "d", name: "img.png", rev: created.rev, data: Self.png,
                    contentType: "image/png")
                let removed = try await db.removeAttachment(
                    docID: "d", name: "note.txt", rev: second.rev)
                #expect(removed.id == "d")
                #expect(removed.rev.generation == 3)
                let third = try await db.get("d")
                #expect(third["_attachments"]?["note.txt"] == nil)
                #expect(third["_attachments"]?["img.png"]?["revpos"] == 2)
                await #expect(throws: PouchError.notFound("Document is missing attachment")) {
                    try await db.removeAttachment(docID: "d", name: "note.txt", rev: removed.rev)
                }
                await #expect(throws: PouchError.conflict()) {
                    try await db.removeAttachment(docID: "d", name: "img.png", rev: second.rev)
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func everyByteValueRoundTrips(backend: Backend) async throws {
            // Attachments are bytes, not text: all 256 values, inline and
            // standalone, come back as written.
            try await backend.withDatabase { db in
                let bytes = Data(
                    (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })
                let digest = "md5-" + Data(MD5.digest(bytes)).base64EncodedString()
                let put = try await db.putAttachment(
                    docID: "d", name: "all.bin", rev: nil, data: bytes,
                    contentType: "application/octet-stream")
                try await db.put([
                    "_id": "e",
                    "_attachments": ["all.bin": ["data": .string(bytes.base64EncodedString())]],
                ])
                for id in ["d", "e"] {
                    let read = try await db.getAttachment(docID: id, name: "all.bin", rev: nil)
                    #expect(read.data == bytes)
                    #expect(read.digest == digest)
                }
                let inline = try await db.get(
                    "d", options: GetOptions(rev: put.rev, attachments: true))
                #expect(
                    inline["_attachments"]?["all.bin"]?["data"]
                        == .string(bytes.base64EncodedString()))
            }
        }

        @Test(arguments: Backend.allCases)
        func namesWithSlashesAndSpacesRoundTrip(backend: Backend) async throws {
            // CouchDB allows any name not starting with `_`, slashes
            // included; the document lists it as written.
            try await backend.withDatabase { db in
                let name = "dir/my file+1 é.txt"
                let type = "text/plain; charset=utf-8"
                let written = try await db.putAttachment(
                    docID: "a/b", name: name, rev: nil, data: Data("aaa".utf8),
                    contentType: type)
                let doc = try await db.get("a/b")
                #expect(
                    doc["_attachments"] == [
                        name: Self.stub(type, revpos: 1, digest: Self.aaaDigest, length: 3)
                    ])
                let bytes = try await db.getAttachment(docID: "a/b", name: name, rev: written.rev)
                #expect(
                    bytes
                        == AttachmentData(
                            data: Data("aaa".utf8), contentType: type, digest: Self.aaaDigest))
                try await db.removeAttachment(docID: "a/b", name: name, rev: written.rev)
                #expect(try await db.get("a/b")["_attachments"] == nil)
            }
        }

        @Test(arguments: Backend.allCases)
        func allDocsAndChangesInlineAttachmentsWhenAsked(backend: Backend) async throws {
            // CouchDB's `attachments=true` on `_all_docs` and `_changes`
            // with `include_docs` inlines the bodies as it does for a get.
            try await backend.withDatabase { db in
                try await db.put([
                    "_id": "d",
                    "_attachments": ["a.txt": ["content_type": "text/plain", "data": "YWFh"]],
                ])
                let stubs = try await db.allDocs(AllDocsOptions(includeDocs: true))
                #expect(stubs.rows[0].doc?["_attachments"]?["a.txt"]?["stub"] == true)
                let inline = try await db.allDocs(
                    AllDocsOptions(includeDocs: true, attachments: true))
                #expect(inline.rows[0].doc?["_attachments"]?["a.txt"]?["data"] == "YWFh")
                let changes = try await db.changes(
                    ChangesOptions(includeDocs: true, attachments: true))
                #expect(changes.results[0].doc?["_attachments"]?["a.txt"]?["data"] == "YWFh")
                let plain = try await db.changes(ChangesOptions(includeDocs: true))
                #expect(plain.results[0].doc?["_attachments"]?["a.txt"]?["stub"] == true)
            }
        }
    }
}
