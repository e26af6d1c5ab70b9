import Foundation
import Pouch
import TestSupport
import Testing

/// The requests the document API sends and how it reads CouchDB 3's
/// answers (shapes from the conformance scenarios API-02, 04, 07, 16, 18).
@Suite struct RemoteDocumentTests {
    /// A database on a stub server answering with `handler`.
    func withDatabase(
        _ transport: Transport, _ handler: @escaping StubHTTPServer.Handler,
        _ body: (RemoteDatabase, StubHTTPServer) async throws -> Void
    ) async throws {
        try await StubHTTPServer.withDatabase(handler, transport: transport.choice, body)
    }

    @Test(arguments: Transport.allCases)
    func infoReadsCouchDB3Answer(transport: Transport) async throws {
        let answer: JSON = [
            "db_name": "db", "purge_seq": "0-g1AAAA", "update_seq": "7-g1AAAABx",
            "sizes": ["file": 41_198, "external": 120, "active": 2_214], "props": [:],
            "doc_del_count": 1, "doc_count": 4, "disk_format_version": 8,
            "compact_running": false, "cluster": ["q": 2, "n": 1, "w": 1, "r": 1],
            "instance_start_time": "0",
        ]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let info = try await db.info()
            #expect(
                info
                    == DatabaseInfo(
                        name: "db", docCount: 4, docDelCount: 1, updateSeq: "7-g1AAAABx",
                        sizes: .init(file: 41_198, active: 2_214, external: 120),
                        instanceStartTime: "0", purgeSeq: "0-g1AAAA"))
            #expect(server.requests.first?.method == "GET")
            #expect(server.requests.first?.header("Accept") == "application/json")
        }
    }

    @Test(arguments: Transport.allCases)
    func createDestroyAndExistsUseTheDatabaseURL(transport: Transport) async throws {
        let handler: StubHTTPServer.Handler = { request in
            switch request.method {
            case "PUT": return .json(201, ["ok": true])
            case "DELETE": return .json(200, ["ok": true])
            default: return .response(status: 404, headers: [], body: [])
            }
        }
        try await withDatabase(transport, handler) { db, server in
            try await db.create()
            try await db.destroy()
            let exists = try await db.exists()
            #expect(!exists)
            #expect(server.requests.map(\.method) == ["PUT", "DELETE", "HEAD"])
            #expect(server.requests.allSatisfy { $0.path == "/db" })
        }
    }

    @Test(arguments: Transport.allCases)
    func existsIsTrueOn200(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .response(status: 200, headers: [], body: []) }) {
            db, _ in
            let exists = try await db.exists()
            #expect(exists)
        }
    }

    @Test(arguments: Transport.allCases)
    func headAnswerWithAContentLengthButNoBodyIsComplete(transport: Transport) async throws {
        // CouchDB answers HEAD with the Content-Length of the GET body.
        let reply = StubHTTPServer.Reply.truncated(status: 200, declaredLength: 231, body: [])
        try await withDatabase(transport, { _ in reply }) { db, _ in
            let exists = try await db.exists()
            #expect(exists)
        }
    }

    @Test(arguments: Transport.allCases)
    func getSendsEveryOptionAsCouchDBNamesIt(transport: Transport) async throws {
        let doc: JSON = ["_id": "d", "_rev": "3-c", "v": 1]
        try await withDatabase(transport, { _ in .json(200, doc) }) { db, server in
            let options = GetOptions(
                rev: RevisionID("3-c"), revs: true, revsInfo: true, conflicts: true,
                deletedConflicts: true, localSeq: true, attachments: true,
                attsSince: [RevisionID("1-a")!, RevisionID("2-b")!], latest: true)
            let got = try await db.get("d", options: options)

            #expect(got == doc)
            #expect(
                server.requests.first?.query == [
                    "rev": "3-c", "revs": "true", "revs_info": "true", "conflicts": "true",
                    "deleted_conflicts": "true", "local_seq": "true", "attachments": "true",
                    "atts_since": #"["1-a","2-b"]"#, "latest": "true",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func getWithoutOptionsHasNoQuery(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .json(200, ["_id": "d", "_rev": "1-a"]) }) {
            db, server in
            _ = try await db.get("d")
            #expect(server.requests.first?.target == "/db/d")
        }
    }

    @Test(arguments: Transport.allCases)
    func openRevisionsAsksForJSONAndReadsOkAndMissing(transport: Transport) async throws {
        let answer: JSON = [
            ["ok": ["_id": "d", "_rev": "3-cccc", "v": "c"]], ["missing": "9-zzzz"],
        ]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let results = try await db.openRevisions(
                "d", revisions: .revisions([RevisionID("3-cccc")!, RevisionID("9-zzzz")!]),
                options: GetOptions(revs: true, latest: true))

            #expect(
                results == [
                    .ok(["_id": "d", "_rev": "3-cccc", "v": "c"]),
                    .missing(RevisionID("9-zzzz")!),
                ])
            let sent = try #require(server.requests.first)
            #expect(sent.header("Accept") == "application/json")
            #expect(
                sent.query == [
                    "open_revs": #"["3-cccc","9-zzzz"]"#, "revs": "true", "latest": "true",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func openRevisionsAllOfAMissingDocumentIsNotFound(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .error(404, "not_found", "missing") }) {
            db, server in
            let error = await #expect(throws: PouchError.self) {
                _ = try await db.openRevisions("nodoc", revisions: .all, options: GetOptions())
            }
            #expect(error == PouchError.notFound("missing"))
            #expect(server.requests.first?.query == ["open_revs": "all"])
        }
    }

    @Test(arguments: Transport.allCases)
    func putSendsTheDocumentToItsIDAndReadsTheNewRevision(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "a/b", "rev": "2-abc"]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let doc: JSON = ["_id": "a/b", "_rev": "1-x", "n": 1]
            let result = try await db.put(doc)

            #expect(result == WriteResult(id: "a/b", rev: RevisionID("2-abc")!))
            let sent = try #require(server.requests.first)
            #expect(sent.method == "PUT")
            #expect(sent.path == "/db/a%2Fb")
            #expect(sent.json == doc)
            #expect(sent.header("Content-Type") == "application/json")
        }
    }

    @Test(arguments: Transport.allCases)
    func putWithoutIDIsMissingIDWithoutARequest(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .json(201, [:]) }) { db, server in
            let error = await #expect(throws: PouchError.self) { try await db.put(["n": 1]) }
            #expect(error?.code.rawValue == "missing_id")
            #expect(error?.status == 412)
            #expect(server.requests.isEmpty)
        }
    }

    @Test(arguments: Transport.allCases)
    func postSendsToTheDatabase(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "f00", "rev": "1-abc"]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let result = try await db.post(["n": 3])
            #expect(result == WriteResult(id: "f00", rev: RevisionID("1-abc")!))
            #expect(server.requests.first?.method == "POST")
            #expect(server.requests.first?.path == "/db")
            #expect(server.requests.first?.json == ["n": 3])
        }
    }

    @Test(arguments: Transport.allCases)
    func removeSendsDeleteWithTheRevision(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "d", "rev": "2-del"]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let result = try await db.remove("d", rev: RevisionID("1-abc")!)
            #expect(result.rev == RevisionID("2-del"))
            #expect(server.requests.first?.method == "DELETE")
            #expect(server.requests.first?.target == "/db/d?rev=1-abc")
        }
    }

    @Test(arguments: Transport.allCases)
    func allDocsSendsRangeOptionsAsJSON(transport: Transport) async throws {
        let answer: JSON = [
            "total_rows": 4, "offset": 1,
            "rows": [
                ["id": "cherry", "key": "cherry", "value": ["rev": "1-c"]],
                ["id": "banana", "key": "banana", "value": ["rev": "1-b"]],
            ],
        ]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let options = AllDocsOptions(
                startKey: "c\u{fff0}", endKey: "b", inclusiveEnd: false, descending: true,
                skip: 1, limit: 2, includeDocs: true, conflicts: true, updateSeq: true)
            let response = try await db.allDocs(options)

            #expect(response.totalRows == 4)
            #expect(response.offset == 1)
            #expect(response.rows.map(\.id) == ["cherry", "banana"])
            #expect(response.rows[0].rev == RevisionID("1-c"))
            #expect(
                server.requests.first?.query == [
                    "startkey": "\"c\u{fff0}\"", "endkey": "\"b\"", "inclusive_end": "false",
                    "descending": "true", "skip": "1", "limit": "2", "include_docs": "true",
                    "conflicts": "true", "update_seq": "true",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func allDocsKeysGoInAPostBodyAndMissingRowsAreRead(transport: Transport) async throws {
        let answer: JSON = [
            "total_rows": 2, "offset": .null,
            "rows": [
                ["id": "b", "key": "b", "value": ["rev": "2-x", "deleted": true], "doc": .null],
                ["key": "ghost", "error": "not_found"],
            ],
        ]
        let keys = (0..<3000).map { "key-\($0)" }
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let response = try await db.allDocs(AllDocsOptions(keys: keys, includeDocs: true))

            #expect(
                response.rows == [
                    AllDocsRow(id: "b", key: "b", rev: RevisionID("2-x"), isDeleted: true),
                    AllDocsRow(id: nil, key: "ghost", error: "not_found"),
                ])
            let sent = try #require(server.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.target == "/db/_all_docs?include_docs=true")
            #expect(sent.json?["keys"]?.arrayValue?.count == 3000)
            #expect(sent.json?["keys"]?[2999] == "key-2999")
        }
    }

    @Test(arguments: Transport.allCases)
    func putAttachmentSendsRawBytesWithTheirType(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "d", "rev": "2-att"]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0, 255]
            let result = try await db.putAttachment(
                docID: "d", name: "img.png", rev: RevisionID("1-a"), data: Data(bytes),
                contentType: "image/png")

            #expect(result.rev == RevisionID("2-att"))
            let sent = try #require(server.requests.first)
            #expect(sent.method == "PUT")
            #expect(sent.target == "/db/d/img.png?rev=1-a")
            #expect(sent.body == bytes)
            #expect(sent.header("Content-Type") == "image/png")
        }
    }

    @Test(arguments: Transport.allCases)
    func getAttachmentReadsBytesTypeAndDigest(transport: Transport) async throws {
        // The scenario API-18 attachment: these 16 bytes have the MD5 digest
        // fN2r5d9k2qppJKVhPdIVCg== as CouchDB reports it.
        let bytes = [UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUg==")!)
        let reply = StubHTTPServer.Reply.bytes(200, bytes, contentType: "image/png")
        try await withDatabase(transport, { _ in reply }) { db, server in
            let attachment = try await db.getAttachment(
                docID: "d", name: "img.png", rev: RevisionID("2-b"))

            #expect(attachment.data == Data(bytes))
            #expect(attachment.contentType == "image/png")
            #expect(attachment.digest == "md5-fN2r5d9k2qppJKVhPdIVCg==")
            #expect(server.requests.first?.target == "/db/d/img.png?rev=2-b")
        }
    }

    @Test(arguments: Transport.allCases)
    func getAttachmentPrefersTheServersContentMD5(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.bytes(
            200, Array("hello".utf8), contentType: "text/plain",
            headers: [("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==")])
        try await withDatabase(transport, { _ in reply }) { db, _ in
            let attachment = try await db.getAttachment(docID: "d", name: "a.txt", rev: nil)
            #expect(attachment.digest == "md5-XUFAKrxLKna5cZ2REBfFkg==")
        }
    }

    @Test(arguments: Transport.allCases)
    func missingAttachmentIsNotFound(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.error(404, "not_found", "Document is missing attachment")
        try await withDatabase(transport, { _ in reply }) { db, _ in
            let error = await #expect(throws: PouchError.self) {
                _ = try await db.getAttachment(docID: "d", name: "nope.txt", rev: nil)
            }
            #expect(error == PouchError.notFound("Document is missing attachment"))
        }
    }

    @Test(arguments: Transport.allCases)
    func removeAttachmentSendsDeleteWithTheRevision(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "d", "rev": "3-c"]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let result = try await db.removeAttachment(
                docID: "_design/app", name: "note.txt", rev: RevisionID("2-b")!)
            #expect(result == WriteResult(id: "d", rev: RevisionID("3-c")!))
            #expect(server.requests.first?.method == "DELETE")
            #expect(server.requests.first?.target == "/db/_design/app/note.txt?rev=2-b")
        }
    }
}
