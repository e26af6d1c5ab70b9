import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// CouchDB endpoints over real sockets, checked against CouchDB 3.x's
/// documented answers (and the conformance scenarios).
@Suite struct EndpointTests {
    static func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        try await body(server)
    }

    @Test func databaseLifecycle() async throws {
        try await Self.withServer { (server) async throws in
            let created = try await server.request("PUT", "/db")
            #expect(created.status == 201)
            #expect(try created.json == ["ok": true])
            let again = try await server.request("PUT", "/db")
            #expect(again.status == 412)
            #expect(
                try again.json
                    == [
                        "error": "file_exists",
                        "reason": "The database could not be created, the file already exists.",
                    ])
            let info = try await server.request("GET", "/db")
            #expect(try info.json["db_name"] == "db")
            #expect(try info.json["doc_count"] == 0)
            #expect(try await server.request("GET", "/_all_dbs").json == ["db"])
            #expect(try await server.request("DELETE", "/db").json == ["ok": true])
            let gone = try await server.request("GET", "/db")
            #expect(gone.status == 404)
            #expect(
                try gone.json == ["error": "not_found", "reason": "Database does not exist."])
        }
    }

    @Test func deletingADatabaseWithARevIsRefused() async throws {
        // CouchDB's chttpd_db: a `DELETE /db?rev=` is a document delete
        // whose id went missing, never a database delete.
        try await Self.withServer { (server) async throws in
            #expect(try await server.request("PUT", "/db").status == 201)
            let refused = try await server.request("DELETE", "/db?rev=1-abc")
            #expect(refused.status == 400)
            let reason =
                "You tried to DELETE a database with a ?=rev parameter. "
                + "Did you mean to DELETE a document instead?"
            #expect(try refused.json == ["error": "bad_request", "reason": .string(reason)])
            #expect(try await server.request("GET", "/db").status == 200)
        }
    }

    @Test func illegalDatabaseNameHasCouchDBsReason() async throws {
        try await Self.withServer { (server) async throws in
            let response = try await server.request("PUT", "/Bad")
            #expect(response.status == 400)
            let reason =
                "Name: 'Bad'. Only lowercase characters (a-z), digits (0-9), and any of the "
                + "characters _, $, (, ), +, -, and / are allowed. Must begin with a letter."
            #expect(
                try response.json == ["error": "illegal_database_name", "reason": .string(reason)])
        }
    }

    @Test func databaseNameWithEncodedSlash() async throws {
        try await Self.withServer { (server) async throws in
            #expect(try await server.request("PUT", "/a%2Fb").status == 201)
            #expect(try await server.request("GET", "/a%2Fb").json["db_name"] == "a/b")
            #expect(try await server.request("GET", "/_all_dbs").json == ["a/b"])
        }
    }

    @Test func documentIDsAreDecodedExactly() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let targets = ["a%2Fb": "a/b", "a+b": "a+b", "a%20b": "a b", "%C3%A9t%C3%A9": "été"]
            for (encoded, id) in targets {
                let put = try await server.request("PUT", "/db/\(encoded)", json: ["v": 1])
                #expect(try put.json["id"] == .string(id))
                let got = try await server.request("GET", "/db/\(encoded)")
                #expect(try got.json["_id"] == .string(id))
            }
            let all = try await server.request("GET", "/db/_all_docs").json
            let ids = all["rows"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            // _all_docs orders ids by code point: space, '+', '/', then 'é'.
            #expect(ids == ["a b", "a+b", "a/b", "été"])
        }
    }

    @Test func designAndLocalDocumentsUseUnencodedSlashes() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let design = try await server.request("PUT", "/db/_design/app", json: ["views": [:]])
            #expect(try design.json["id"] == "_design/app")
            #expect(
                try await server.request("GET", "/db/_design%2Fapp").json["_id"] == "_design/app")
            let local = try await server.request("PUT", "/db/_local/x%2Fy", json: ["n": 1])
            #expect(try local.json == ["ok": true, "id": "_local/x/y", "rev": "0-1"])
            #expect(try await server.request("GET", "/db/_local%2Fx%2Fy").json["n"] == 1)
        }
    }

    /// CouchDB's chttpd_db: a path below `/db/_local/NAME` (an unencoded
    /// slash) is an attachment, which local documents do not have.
    @Test func localDocumentsRefuseAttachments() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let refusal: JSON = [
                "error": "bad_request", "reason": "_local documents do not accept attachments.",
            ]
            let put = try await server.request(
                "PUT", "/db/_local/l/att.txt", raw: Array("hi".utf8),
                headers: [("Content-Type", "text/plain")])
            #expect(put.status == 400)
            #expect(try put.json == refusal)
            let get = try await server.request("GET", "/db/_local/l/att.txt")
            #expect(get.status == 400)
            #expect(try get.json == refusal)
            #expect(try await server.request("GET", "/db/_local/l").status == 404)
        }
    }

    @Test func updatesNeedTheCurrentRevision() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let first = try await server.request("PUT", "/db/d", json: ["n": 1]).json
            let stale = try await server.request("PUT", "/db/d", json: ["n": 2])
            #expect(stale.status == 409)
            #expect(try stale.json == ["error": "conflict", "reason": "Document update conflict."])
            let rev = first["rev"]?.stringValue ?? ""
            let second = try await server.request(
                "PUT", "/db/d", json: ["n": 2], headers: [("If-Match", "\"\(rev)\"")])
            #expect(second.status == 201)
            #expect(second.headers["etag"] == "\"\(try second.json["rev"]?.stringValue ?? "")\"")
            let gone = try await server.request(
                "DELETE", "/db/d?rev=\(try second.json["rev"]?.stringValue ?? "")")
            #expect(gone.status == 200)
            let deleted = try await server.request("GET", "/db/d")
            #expect(try deleted.json == ["error": "not_found", "reason": "deleted"])
        }
    }

    // CouchDB's extract_header_rev: `?rev=` and `If-Match` may both be
    // given only when they name the same revision.
    @Test func aQueryRevAndAnEtagThatDisagreeAreABadRequest() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let rev =
                try await server.request("PUT", "/db/d", json: ["n": 1]).json["rev"]?
                .stringValue ?? ""
            let other = "1-0123456789abcdef0123456789abcdef"
            let refusal: JSON = [
                "error": "bad_request", "reason": "Document rev and etag have different values",
            ]
            for (method, path) in [
                ("PUT", "/db/d?rev=\(rev)"), ("DELETE", "/db/d?rev=\(rev)"),
                ("PUT", "/db/d/a.txt?rev=\(rev)"),
            ] {
                let response = try await server.request(
                    method, path, raw: Array("{}".utf8),
                    headers: [
                        ("If-Match", "\"\(other)\""), ("Content-Type", "application/json"),
                    ])
                #expect(response.status == 400, "\(method) \(path)")
                #expect(try response.json == refusal, "\(method) \(path)")
            }
            // A body's own _rev is checked against ?rev= only.
            let bodyRev = try await server.request(
                "PUT", "/db/d?rev=\(rev)", json: ["_rev": .string(rev), "n": 2],
                headers: [("If-Match", "\"\(other)\"")])
            #expect(bodyRev.status == 201)
            let current = try bodyRev.json["rev"]?.stringValue ?? ""
            let agreeing = try await server.request(
                "DELETE", "/db/d?rev=\(current)", headers: [("If-Match", "\"\(current)\"")])
            #expect(agreeing.status == 200)
        }
    }

    @Test func attachmentsRoundTripWithTheirDigest() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let put = try await server.request(
                "PUT", "/db/d/note.txt", raw: Array("hello world".utf8),
                headers: [("Content-Type", "text/plain")])
            #expect(put.status == 201)
            let bytes = try await server.request("GET", "/db/d/note.txt")
            #expect(bytes.text == "hello world")
            #expect(bytes.headers["content-type"] == "text/plain")
            // MD5("hello world") = 5eb63bbbe01eeed093cb22bb8f5acdc3.
            let stub = try await server.request("GET", "/db/d").json["_attachments"]?["note.txt"]
            #expect(stub?["digest"] == "md5-XrY7u+Ae7tCTyyK7j1rNww==")
            #expect(stub?["length"] == 11)
            #expect(stub?["stub"] == true)
        }
    }

    @Test func attachmentOfSeveralMegabytesRoundTripsByteForByte() async throws {
        // 2.5 MiB and 7 bytes, byte i = (7i + i / 4096) mod 251; its digest
        // was computed separately with Python's hashlib.
        var body = [UInt8](repeating: 0, count: 2_621_447)
        for index in body.indices {
            let value: Int = (index * 7 + index / 4096) % 251
            body[index] = UInt8(value)
        }
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let put = try await server.request(
                "PUT", "/db/big/b.bin", raw: body,
                headers: [("Content-Type", "application/octet-stream")])
            #expect(put.status == 201)
            let got = try await server.request("GET", "/db/big/b.bin")
            #expect(got.body == Data(body))
            #expect(got.headers["etag"] == "\"md5-cX7bMS/5SkOVdqJ/4bQKsA==\"")
        }
    }

    @Test func multipartRelatedPutCarriesFollowingAttachments() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            // As CouchDB's replicator pushes a document with an attachment;
            // MD5("hello") = 5d41402abc4b2a76b9719d911017c592.
            let doc =
                #"{"_id":"m","_rev":"1-abc","_revisions":{"start":1,"ids":["abc"]},"#
                + #""_attachments":{"f.txt":{"content_type":"text/plain","revpos":1,"#
                + #""digest":"md5-XUFAKrxLKna5cZ2REBfFkg==","length":5,"follows":true}}}"#
            let body =
                "--XyZ\r\nContent-Type: application/json\r\n\r\n\(doc)\r\n"
                + "--XyZ\r\nContent-Disposition: attachment; filename=\"f.txt\"\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n--XyZ--"
            let put = try await server.request(
                "PUT", "/db/m?new_edits=false", raw: Array(body.utf8),
                headers: [("Content-Type", "multipart/related; boundary=\"XyZ\"")])
            #expect(put.status == 201)
            #expect(try await server.request("GET", "/db/m/f.txt").text == "hello")
            let stub = try await server.request("GET", "/db/m").json["_attachments"]?["f.txt"]
            #expect(stub?["digest"] == "md5-XUFAKrxLKna5cZ2REBfFkg==")
            #expect(try await server.request("GET", "/db/m").json["_rev"] == "1-abc")
        }
    }

    @Test func bulkDocsThenAllDocsWithKeys() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let bulk = try await server.request(
                "POST", "/db/_bulk_docs", json: ["docs": [["_id": "b"], ["_id": "a"]]])
            #expect(bulk.status == 201)
            #expect(try bulk.json.arrayValue?.map { $0["id"] } == ["b", "a"])
            let keys = try await server.request(
                "POST", "/db/_all_docs", json: ["keys": ["a", "zz"]]
            ).json
            #expect(keys["rows"]?[0]?["id"] == "a")
            #expect(keys["rows"]?[1] == ["key": "zz", "error": "not_found"])
            let missing = try await server.request("POST", "/db/_bulk_docs", json: [:])
            #expect(
                try missing.json
                    == [
                        "error": "bad_request",
                        "reason": "POST body must include `docs` parameter.",
                    ])
        }
    }

    @Test func wrongMethodIs405WithCouchDBsList() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let response = try await server.request("GET", "/db/_bulk_docs")
            #expect(response.status == 405)
            #expect(
                try response.json == ["error": "method_not_allowed", "reason": "Only POST allowed"])
        }
    }

    @Test func oversizedBodyIsTooLarge() async throws {
        let server = try await TestServer.start(limits: HTTPLimits(maxBodyBytes: 64))
        defer { server.stop() }
        let response = try await server.request(
            "PUT", "/db/d", raw: [UInt8](repeating: 0x20, count: 65))
        #expect(response.status == 413)
        #expect(
            try response.json
                == ["error": "too_large", "reason": "the request entity is too large"])
    }

    @Test func hostRoutesAnswerBeforeCouchDBs() async throws {
        try await Self.withServer { (server) async throws in
            server.server.addRoute(method: "GET", path: "/api/v1/{name}") { request in
                .json(["hello": .string(request.parameters["name"] ?? "")])
            }
            let response = try await server.request("GET", "/api/v1/w%C3%B6rld")
            #expect(try response.json == ["hello": "wörld"])
        }
    }

    @Test func hostRoutesGetCouchDBsDatabaseAccessChecks() async throws {
        try await Self.withServer { (server) async throws in
            server.server.addRoute(method: "GET", path: "/api/count/{db}") { request in
                let info = try await request.database().info()
                return .json(["docs": .int(Int64(info.docCount))])
            }
            _ = try await server.request("PUT", "/db")
            #expect(try await server.request("GET", "/api/count/db").json == ["docs": 0])
            let anonymous = try await server.request(
                "GET", "/api/count/db", authorization: .some(nil))
            #expect(anonymous.status == 401)
        }
    }

    @Test func viewsAreNotImplementedRatherThanAttachments() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db")
            let response = try await server.request("GET", "/db/_design/app/_view/by_type")
            #expect(response.status == 501)
        }
    }

    // A freed port may be taken at once by another test's server, so the
    // test shows `run()` returning (within the time limit) rather than
    // probing the port afterwards.
    @Test(.timeLimit(.minutes(1))) func runReturnsOnceStopped() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try PouchServer(
            configuration: ServerConfiguration(dataDirectory: directory, port: 0))
        async let running: Void = server.run()
        while server.port == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let socket = try LoopbackSocket(port: server.port)
        try socket.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(try socket.readResponse().status == 200)
        server.stop()
        try await running
    }

    @Test func uuidsAreThirtyTwoHexDigits() async throws {
        try await Self.withServer { (server) async throws in
            let uuids = try await server.request("GET", "/_uuids?count=3").json["uuids"]
            let values = uuids?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(values.count == 3)
            #expect(Set(values).count == 3)
            #expect(values.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        }
    }
}
