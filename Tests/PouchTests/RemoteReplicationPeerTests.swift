import Foundation
import Pouch
import TestSupport
import Testing

/// The replication calls: `_revs_diff`, `_bulk_docs` and `_local`
/// checkpoint documents (shapes from scenarios API-09, 10, 12 and 17).
@Suite struct RemoteReplicationPeerTests {
    func withDatabase(
        _ transport: Transport, _ handler: @escaping StubHTTPServer.Handler,
        _ body: (RemoteDatabase, StubHTTPServer) async throws -> Void
    ) async throws {
        try await StubHTTPServer.withDatabase(handler, transport: transport.choice, body)
    }

    @Test(arguments: Transport.allCases)
    func revsDiffPostsRevisionsAndReadsMissingAndAncestors(transport: Transport) async throws {
        let answer: JSON = [
            "a": ["missing": ["4-a4", "2-zz"], "possible_ancestors": ["3-a3"]],
            "new": ["missing": ["1-n1"]],
        ]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            let diff = try await db.revsDiff([
                "a": [RevisionID("3-a3")!, RevisionID("4-a4")!, RevisionID("2-zz")!],
                "new": [RevisionID("1-n1")!],
            ])

            #expect(
                diff == [
                    "a": RevsDiffResult(
                        missing: [RevisionID("4-a4")!, RevisionID("2-zz")!],
                        possibleAncestors: [RevisionID("3-a3")!]),
                    "new": RevsDiffResult(missing: [RevisionID("1-n1")!]),
                ])
            let sent = try #require(server.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/db/_revs_diff")
            #expect(sent.json == ["a": ["3-a3", "4-a4", "2-zz"], "new": ["1-n1"]])
        }
    }

    @Test(arguments: Transport.allCases)
    func bulkDocsWithNewEditsFalseSaysSoAndReadsOnlyFailures(transport: Transport) async throws {
        let answer: JSON = [
            ["id": "y", "error": "forbidden", "reason": "Only admins may write"]
        ]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let docs: [JSON] = [
                ["_id": "x", "_rev": "1-a1", "v": 1],
                ["_id": "y", "_rev": "2-b2", "_revisions": ["start": 2, "ids": ["b2", "a1"]]],
            ]
            let results = try await db.bulkDocs(docs, newEdits: false)

            #expect(
                results == [
                    BulkDocsResult(id: "y", error: .forbidden("Only admins may write"))
                ])
            let sent = try #require(server.requests.first)
            #expect(sent.path == "/db/_bulk_docs")
            #expect(sent.json == ["docs": .array(docs), "new_edits": false])
        }
    }

    @Test(arguments: Transport.allCases)
    func bulkDocsReadsOkRowsAndConflicts(transport: Transport) async throws {
        let answer: JSON = [
            ["id": "a", "error": "conflict", "reason": "Document update conflict."],
            ["ok": true, "id": "b", "rev": "2-bb"],
        ]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let results = try await db.bulkDocs([["_id": "a"], ["_id": "b"]], newEdits: true)

            #expect(
                results == [
                    BulkDocsResult(id: "a", error: .conflict()),
                    BulkDocsResult(id: "b", rev: RevisionID("2-bb")),
                ])
            #expect(server.requests.first?.json == ["docs": [["_id": "a"], ["_id": "b"]]])
        }
    }

    @Test(arguments: Transport.allCases)
    func localDocumentIsReadFromItsLocalPath(transport: Transport) async throws {
        let doc: JSON = ["_id": "_local/cp", "_rev": "0-1", "last_seq": 42]
        try await withDatabase(transport, { _ in .json(200, doc) }) { db, server in
            let read = try await db.localDocument("_local/cp")
            #expect(read == doc)
            #expect(server.requests.first?.path == "/db/_local/cp")
        }
    }

    @Test(arguments: Transport.allCases)
    func missingLocalDocumentIsNil(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .error(404, "not_found", "missing") }) { db, _ in
            let read = try await db.localDocument("_local/never")
            #expect(read == nil)
        }
    }

    @Test(arguments: Transport.allCases)
    func localDocumentIDMustStartWithLocal(transport: Transport) async throws {
        try await withDatabase(transport, { _ in .json(200, [:]) }) { db, server in
            let error = await #expect(throws: PouchError.self) {
                _ = try await db.localDocument("cp")
            }
            #expect(error?.code == .badRequest)
            #expect(server.requests.isEmpty)
        }
    }

    @Test(arguments: Transport.allCases)
    func putLocalDocumentKeepsTheSlashAfterLocalAndEncodesTheRest(transport: Transport) async throws
    {
        let answer: JSON = ["ok": true, "id": "_local/a/b c", "rev": "0-2"]
        try await withDatabase(transport, { _ in .json(201, answer) }) { db, server in
            let doc: JSON = ["_id": "_local/a/b c", "_rev": "0-1", "last_seq": "5-g1"]
            let result = try await db.putLocalDocument(doc)

            #expect(result == WriteResult(id: "_local/a/b c", rev: RevisionID("0-2")!))
            let sent = try #require(server.requests.first)
            #expect(sent.method == "PUT")
            #expect(sent.path == "/db/_local/a%2Fb%20c")
            #expect(sent.json == doc)
        }
    }

    @Test(arguments: Transport.allCases)
    func removeLocalDocumentSendsItsRevision(transport: Transport) async throws {
        let answer: JSON = ["ok": true, "id": "_local/cp", "rev": "0-0"]
        try await withDatabase(transport, { _ in .json(200, answer) }) { db, server in
            try await db.removeLocalDocument("_local/cp", rev: RevisionID("0-2")!)
            #expect(server.requests.first?.method == "DELETE")
            #expect(server.requests.first?.target == "/db/_local/cp?rev=0-2")
        }
    }

    @Test func identityIsTheURLWithoutCredentialsOrTrailingSlash() {
        let db = RemoteDatabase(url: URL(string: "https://u:pw@couch.example:6984/med%2Fic/")!)
        #expect(db.identity == "https://couch.example:6984/med%2Fic")
    }
}
