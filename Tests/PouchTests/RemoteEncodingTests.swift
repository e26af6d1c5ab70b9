import Foundation
import Pouch
import TestSupport
import Testing

/// Document ids and attachment names reach the server exactly as given:
/// every byte outside RFC 3986's unreserved set is percent-encoded, except
/// the slash after `_design` and `_local`, which CouchDB routes on.
@Suite struct RemoteEncodingTests {
    /// Ids and the path each must be sent under, encoded by hand from the
    /// UTF-8 bytes (`/` 2F, `%` 25, `+` 2B, space 20, `?` 3F, `#` 23,
    /// `é` C3 A9, `日` E6 97 A5, `本` E6 9C AC).
    static let cases: [(id: String, path: String)] = [
        ("plain", "plain"),
        ("a/b", "a%2Fb"),
        ("100%", "100%25"),
        ("a+b", "a%2Bb"),
        ("a b", "a%20b"),
        ("what?", "what%3F"),
        ("#tag", "%23tag"),
        ("café", "caf%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("_design/app", "_design/app"),
        ("_design/a/b", "_design/a%2Fb"),
        ("_local/x y", "_local/x%20y"),
        ("_local/with/slash", "_local/with%2Fslash"),
        ("~keep.these_-", "~keep.these_-"),
    ]

    @Test(arguments: Transport.allCases, cases)
    func documentIDIsEncodedSoTheServerSeesItExactly(
        transport: Transport, encoding: (id: String, path: String)
    ) async throws {
        let (id, path) = encoding
        let server = try StubHTTPServer { _ in .json(200, ["_id": .string(id), "_rev": "1-a"]) }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        _ = try await db.get(id)

        let sent = try #require(server.requests.first)
        #expect(sent.path == "/db/" + path)
        let tail = String(sent.path.dropFirst("/db/".count))
        #expect(tail.removingPercentEncoding == id)
    }

    @Test(arguments: Transport.allCases)
    func attachmentNameKeepsItsSlashesAndEncodesTheRest(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .bytes(200, [1, 2], contentType: "image/png") }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        _ = try await db.getAttachment(docID: "a/b", name: "dir/x y+.png", rev: nil)

        #expect(server.requests.first?.path == "/db/a%2Fb/dir/x%20y%2B.png")
    }

    @Test(arguments: Transport.allCases)
    func queryValuesEncodePlusSignsAndSeparators(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in
            .json(200, ["total_rows": 0, "offset": 0, "rows": []])
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        _ = try await db.allDocs(AllDocsOptions(startKey: "a+b&c=d", endKey: "é"))

        let sent = try #require(server.requests.first)
        // JSON strings: "a+b&c=d" and "é", with quotes (22) and bytes encoded.
        #expect(sent.rawQuery == "startkey=%22a%2Bb%26c%3Dd%22&endkey=%22%C3%A9%22")
        #expect(sent.query["startkey"] == "\"a+b&c=d\"")
    }

    @Test(arguments: Transport.allCases)
    func databaseNameWithSlashStaysEncodedAndServerRootIsAboveIt(transport: Transport) async throws
    {
        let server = try StubHTTPServer { request in
            request.path == "/prefix/_session"
                ? .json(200, ["ok": true], headers: [("Set-Cookie", "AuthSession=abc; Path=/")])
                : .json(200, ["_id": "d", "_rev": "1-a"])
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/prefix/org%2Fdb"),
            credentials: .cookie(username: "u", password: "p"))

        _ = try await db.get("d")

        #expect(server.requests.map(\.path) == ["/prefix/_session", "/prefix/org%2Fdb/d"])
    }
}
