import Foundation
import Pouch
import TestSupport
import Testing

@testable import PouchCHT

@Suite struct CHTAPIClientTests {
    static let session: [(String, String)] = [
        ("Set-Cookie", "AuthSession=abc123; Version=1; Path=/; HttpOnly")
    ]

    @Test func logsInThenAsksGetIDsWithTheSessionCookie() async throws {
        let server = try StubHTTPServer(script: [
            .json(200, ["ok": true, "name": "chw1", "roles": ["chw"]], headers: Self.session),
            .json(
                200,
                [
                    "doc_ids_revs": [["id": "a", "rev": "1-x"]], "warn_docs": 1, "last_seq": "5-g",
                    "warn": false, "limit": 10000,
                ]),
        ])
        defer { server.stop() }
        let client = CHTAPIClient(serverURL: server.url("/"), username: "chw1", password: "pw")

        let list = try await client.getIDs()
        #expect(list.docIDsRevs == [CHTDocumentRevision(id: "a", rev: "1-x")])
        #expect(list.lastSeq == "5-g")
        let requests = server.requests
        #expect(requests.map(\.method) == ["POST", "GET"])
        #expect(requests[0].path == "/_session")
        #expect(requests[0].json == ["name": "chw1", "password": "pw"])
        #expect(requests[1].path == "/api/v1/replication/get-ids")
        #expect(requests[1].header("cookie") == "AuthSession=abc123")
    }

    @Test func anExpiredSessionIsRenewedOnceOn401() async throws {
        let renewed: [(String, String)] = [("Set-Cookie", "AuthSession=fresh; Path=/")]
        let server = try StubHTTPServer(script: [
            .json(200, ["ok": true], headers: Self.session),
            .error(401, "unauthorized", "Session expired"),
            .json(200, ["ok": true], headers: renewed),
            .json(200, ["doc_ids": ["b"]]),
        ])
        defer { server.stop() }
        let client = CHTAPIClient(serverURL: server.url("/"), username: "chw1", password: "pw")

        #expect(try await client.getDeletes(["a", "b"]) == ["b"])
        let requests = server.requests
        #expect(
            requests.map(\.path) == [
                "/_session", "/api/v1/replication/get-deletes", "/_session",
                "/api/v1/replication/get-deletes",
            ])
        #expect(requests[3].header("cookie") == "AuthSession=fresh")
        #expect(requests[3].json == ["doc_ids": ["a", "b"]])
    }

    @Test func wrongPasswordIsUnauthorized() async throws {
        let server = try StubHTTPServer(script: [
            .error(401, "unauthorized", "Name or password is incorrect.")
        ])
        defer { server.stop() }
        let client = CHTAPIClient(serverURL: server.url("/"), username: "chw1", password: "no")
        let error = await #expect(throws: PouchError.self) { try await client.getIDs() }
        #expect(error?.code == .unauthorized)
        #expect(error?.status == 401)
    }
}
