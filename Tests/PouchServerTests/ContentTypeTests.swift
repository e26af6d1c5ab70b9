import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// CouchDB's `validate_ctype`: the `POST` endpoints that read a JSON body
/// answer 415 `bad_content_type` unless the request says
/// `Content-Type: application/json` (chttpd_db.erl, mango_httpd.erl).
@Suite struct ContentTypeTests {
    static let refusal: JSON = [
        "error": "bad_content_type", "reason": "Content-Type must be application/json",
    ]

    static let checked: [(String, String)] = [
        ("/db", #"{"_id":"x"}"#),
        ("/db/_bulk_docs", #"{"docs":[{"_id":"x"}]}"#),
        ("/db/_bulk_get", #"{"docs":[{"id":"x"}]}"#),
        ("/db/_revs_diff", #"{"x":["1-a"]}"#),
        ("/db/_all_docs", #"{"keys":["x"]}"#),
        ("/db/_design_docs", #"{"keys":["x"]}"#),
        ("/db/_local_docs", #"{"keys":["x"]}"#),
        ("/db/_changes", #"{"doc_ids":["x"]}"#),
        ("/db/_purge", #"{"x":["1-a"]}"#),
        ("/db/_compact", ""),
        ("/db/_ensure_full_commit", ""),
        ("/db/_find", #"{"selector":{}}"#),
        ("/db/_explain", #"{"selector":{}}"#),
        ("/db/_index", #"{"index":{"fields":["a"]}}"#),
    ]

    @Test func nonJSONContentTypeIsRefusedWith415() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(try await server.request("PUT", "/db").status == 201)
        for (path, body) in Self.checked {
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"] {
                let response = try await server.request(
                    "POST", path, raw: Array(body.utf8), headers: [("Content-Type", type)])
                #expect(response.status == 415, "\(path) \(type)")
                #expect(try response.json == Self.refusal, "\(path) \(type)")
            }
            let untyped = try await server.request("POST", path, raw: Array(body.utf8))
            #expect(untyped.status == 415, "\(path) without a type")
        }
        // Nothing was written by the refused requests.
        #expect(try await server.request("GET", "/db").json["doc_count"] == 0)
    }

    @Test func jsonWithParametersIsAccepted() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(try await server.request("PUT", "/db").status == 201)
        let body = Array(#"{"docs":[{"_id":"x"}]}"#.utf8)
        let written = try await server.request(
            "POST", "/db/_bulk_docs", raw: body,
            headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(written.status == 201)
        let posted = try await server.request("POST", "/db", json: ["_id": "y"])
        #expect(posted.status == 201)
    }

    /// A missing database answers 404 before the content type is looked
    /// at; `_view_cleanup`, which CouchDB does not check, needs no type.
    @Test func missingDatabaseAndUncheckedEndpoints() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let missing = try await server.request(
            "POST", "/nodb/_bulk_docs", raw: Array("{}".utf8),
            headers: [("Content-Type", "text/plain")])
        #expect(missing.status == 404)
        #expect(try await server.request("PUT", "/db").status == 201)
        #expect(try await server.request("POST", "/db/_view_cleanup").status == 202)
    }
}
