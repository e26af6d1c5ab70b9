import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// `POST /db/_bulk_get` from a local database, whose documents go out as
/// the stored text: CouchDB 3.5's answers to the conformance scenario
/// API-11, byte order of members included.
@Suite struct BulkGetEndpointTests {
    static func withSeededServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(try await server.request("PUT", "/a").status == 201)
        let docs: JSON = [
            "new_edits": false,
            "docs": [
                [
                    "_id": "a", "_rev": "2-a2", "v": "a",
                    "_revisions": ["start": 2, "ids": ["a2", "a1"]],
                ],
                ["_id": "c", "_rev": "1-c1", "v": "c1"],
                ["_id": "c", "_rev": "1-c2", "v": "c2"],
            ],
        ]
        let written = try await server.request("POST", "/a/_bulk_docs", json: docs)
        #expect(written.status == 201)
        #expect(try written.json == [])
        try await body(server)
    }

    @Test func revisionsMissingIdsAndMissingRevs() async throws {
        try await Self.withSeededServer { (server) async throws in
            let asked: JSON = [
                "docs": [
                    ["id": "a", "rev": "2-a2"], ["id": "a"], ["id": "nope"],
                    ["id": "a", "rev": "9-zz"], ["rev": "1-c1"],
                ]
            ]
            let response = try await server.request("POST", "/a/_bulk_get?revs=true", json: asked)

            #expect(response.status == 200)
            let docA =
                #"{"_id":"a","_rev":"2-a2","v":"a","_revisions":{"start":2,"ids":["a2","a1"]}}"#
            let expected =
                #"{"results":[{"id":"a","docs":[{"ok":\#(docA)}]},"#
                + #"{"id":"a","docs":[{"ok":\#(docA)}]},"#
                + #"{"id":"nope","docs":[{"error":{"id":"nope","rev":"undefined","#
                + #""error":"not_found","reason":"missing"}}]},"#
                + #"{"id":"a","docs":[{"error":{"id":"a","rev":"9-zz","#
                + #""error":"not_found","reason":"missing"}}]},"#
                + #"{"id":null,"docs":[{"error":{"id":null,"rev":null,"#
                + #""error":"bad_request","reason":"document id missed"}}]}]}"#
            #expect(response.text == expected + "\n")
            #expect(response.headers["content-type"] == "application/json")
        }
    }

    @Test func everyLeafWhenNoRevisionIsAsked() async throws {
        try await Self.withSeededServer { (server) async throws in
            let response = try await server.request(
                "POST", "/a/_bulk_get", json: ["docs": [["id": "c"]]])

            #expect(response.status == 200)
            let docs = try response.json["results"]?[0]?["docs"]?.arrayValue ?? []
            let leaves = Set(docs.compactMap { $0["ok"] })
            #expect(
                leaves == [
                    ["_id": "c", "_rev": "1-c1", "v": "c1"],
                    ["_id": "c", "_rev": "1-c2", "v": "c2"],
                ])
        }
    }

    @Test func withoutRevsTheHistoryIsLeftOut() async throws {
        try await Self.withSeededServer { (server) async throws in
            let response = try await server.request(
                "POST", "/a/_bulk_get", json: ["docs": [["id": "a", "rev": "2-a2"]]])

            let expected =
                #"{"results":[{"id":"a","docs":[{"ok":{"_id":"a","_rev":"2-a2","v":"a"}}]}]}"#
            #expect(response.text == expected + "\n")
        }
    }
}
