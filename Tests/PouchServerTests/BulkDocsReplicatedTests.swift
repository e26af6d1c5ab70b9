import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// `POST /db/_bulk_docs` with `"new_edits": false`, whose documents the
/// server stores from their text: the same documents as when the body is
/// read as a whole, and the same errors.
@Suite struct BulkDocsReplicatedTests {
    static func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        for db in ["text", "parsed"] {
            #expect(try await server.request("PUT", "/\(db)").status == 201)
        }
        try await body(server)
    }

    /// Replicated documents: a history of two, a deletion, a conflict, a
    /// `_local` document, nested values and text needing escapes.
    static let docs =
        #"[{"_id":"a","_rev":"2-a2","v":{"n":[1,2.5,null,true]},"s":"é \"q\"\n","#
        + #""_revisions":{"start":2,"ids":["a2","a1"]}},"#
        + #"{"_id":"gone","_rev":"3-g3","_deleted":true,"_revisions":{"start":3,"ids":["g3","g2"]}},"#
        + #"{"_id":"c","_rev":"1-c1","v":"c1"},{"_id":"c","_rev":"1-c2","v":"c2"},"#
        + #"{"_id":"_local/l","v":1}]"#

    /// Sends `docs` with `new_edits` first (as CouchDB's replicator does)
    /// to `text`, and with it between padding members, where the server
    /// does not look for it, to `parsed`.
    static func send(
        _ docs: String, _ server: TestServer
    ) async throws -> (
        text: LoopbackSocket.Response, parsed: LoopbackSocket.Response
    ) {
        let first = #"{"new_edits":false,"docs":\#(docs)}"#
        let padding = String(repeating: "x", count: 64)
        let middle = #"{"a":"\#(padding)","docs":\#(docs),"new_edits":false,"b":"\#(padding)"}"#
        let headers = [("Content-Type", "application/json")]
        return (
            try await server.request(
                "POST", "/text/_bulk_docs", raw: Array(first.utf8), headers: headers),
            try await server.request(
                "POST", "/parsed/_bulk_docs", raw: Array(middle.utf8), headers: headers)
        )
    }

    @Test func storesWhatTheParsedBodyStores() async throws {
        try await Self.withServer { (server) async throws in
            let (text, parsed) = try await Self.send(Self.docs, server)

            #expect(text.status == 201)
            #expect(parsed.status == 201)
            // With new_edits false only failures are answered: none.
            #expect(try text.json == [])
            #expect(try parsed.json == [])
            for id in ["a", "gone", "c"] {
                let path = "/\(id)?open_revs=all&revs=true"
                let copy = try await server.request("GET", "/text" + path)
                let original = try await server.request("GET", "/parsed" + path)
                #expect(copy.status == 200)
                #expect(copy.text == original.text)
            }
            let doc = try await server.request("GET", "/text/a?revs=true")
            let expected =
                #"{"_id":"a","_rev":"2-a2","v":{"n":[1,2.5,null,true]},"s":"é \"q\"\n","#
                + #""_revisions":{"start":2,"ids":["a2","a1"]}}"#
            #expect(doc.text == expected + "\n")
            let local = try await server.request("GET", "/text/_local/l")
            #expect(try local.json == ["_id": "_local/l", "_rev": "0-1", "v": 1])
        }
    }

    @Test func aDocumentThatIsNotAnObjectRefusesTheBody() async throws {
        try await Self.withServer { (server) async throws in
            let (text, parsed) = try await Self.send(#"[{"_id":"a","_rev":"1-a"},[1]]"#, server)

            #expect(text.status == 400)
            #expect(
                try text.json == [
                    "error": "bad_request", "reason": "Document must be a JSON object",
                ])
            #expect(text.text == parsed.text)
            let nothing = try await server.request("GET", "/text/a")
            #expect(nothing.status == 404)
        }
    }

    @Test func anInvalidDocumentFailsTheWholeBodyAsBefore() async throws {
        try await Self.withServer { (server) async throws in
            let docs = #"[{"_id":"a","_rev":"1-a","v":1},{"_id":"b","_rev":"1-b","_bad":1}]"#
            let (text, parsed) = try await Self.send(docs, server)

            #expect(text.status == 400)
            #expect(try text.json["error"] == "doc_validation")
            #expect(text.text == parsed.text)
            #expect(try await server.request("GET", "/text/a").status == 404)
        }
    }

    @Test func designDocumentsNeedAnAdminEitherWay() async throws {
        let bob = ServerUser(name: "bob", password: "secret", roles: [])
        let server = try await TestServer.start(users: [bob])
        defer { server.stop() }
        #expect(try await server.request("PUT", "/db").status == 201)
        let body = #"{"new_edits":false,"docs":[{"_id":"_design/d","_rev":"1-d"}]}"#
        let basic = "Basic " + Data("bob:secret".utf8).base64EncodedString()

        let refused = try await server.request(
            "POST", "/db/_bulk_docs", raw: Array(body.utf8),
            headers: [("Content-Type", "application/json")], authorization: basic)

        #expect(refused.status == 403)
        #expect(try refused.json["error"] == "forbidden")
    }

    @Test func malformedTextIsABadRequest() async throws {
        try await Self.withServer { (server) async throws in
            let body = #"{"new_edits":false,"docs":[{"_id":"a","v":01}]}"#
            let response = try await server.request(
                "POST", "/text/_bulk_docs", raw: Array(body.utf8),
                headers: [("Content-Type", "application/json")])

            #expect(response.status == 400)
            #expect(try response.json["error"] == "bad_request")
        }
    }
}
