import Foundation
import Pouch
import TestSupport
import Testing

/// How `changes` maps its options onto `_changes` and reads the answer
/// (shapes from conformance scenarios API-13 and API-14).
@Suite struct RemoteChangesTests {
    /// CouchDB 3's answer with string sequences, a deletion, a document
    /// and two leaves under `style=all_docs`.
    static let answer: JSON = [
        "results": [
            [
                "seq": "1-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy", "id": "a",
                "changes": [["rev": "1-967a00dff5e02add41819138abb3284d"]],
                "doc": ["_id": "a", "_rev": "1-967a00dff5e02add41819138abb3284d", "n": 1],
            ],
            [
                "seq": "3-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy", "id": "b",
                "changes": [["rev": "2-7051cbe5c8faecd085a3fa619e6e6337"]], "deleted": true,
                "doc": [
                    "_id": "b", "_rev": "2-7051cbe5c8faecd085a3fa619e6e6337", "_deleted": true,
                ],
            ],
            [
                "seq": "5-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy", "id": "c",
                "changes": [["rev": "2-aaaa"], ["rev": "1-ffff"]],
                "doc": ["_id": "c", "_rev": "2-aaaa", "type": "person"],
            ],
        ],
        "last_seq": "5-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy", "pending": 2,
    ]

    func run(
        _ transport: Transport, _ options: ChangesOptions,
        reply: StubHTTPServer.Reply = .json(200, answer)
    ) async throws -> (ChangesResponse, [StubHTTPServer.Request]) {
        let server = try StubHTTPServer { _ in reply }
        defer { server.stop() }
        let response = try await transport.database(url: server.url("/db")).changes(options)
        return (response, server.requests)
    }

    @Test(arguments: Transport.allCases)
    func readsRowsAndKeepsSequencesExactlyAsSent(transport: Transport) async throws {
        let (response, _) = try await run(transport, ChangesOptions())

        #expect(response.results.map(\.id) == ["a", "b", "c"])
        #expect(response.results[0].seq == "1-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy")
        #expect(response.results[1].isDeleted)
        #expect(!response.results[0].isDeleted)
        #expect(response.results[2].changes == [RevisionID("2-aaaa")!, RevisionID("1-ffff")!])
        #expect(response.results[0].doc?["n"] == 1)
        #expect(response.lastSeq == "5-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy")
        #expect(response.pending == 2)
    }

    @Test(arguments: Transport.allCases)
    func integerSequencesOfCouchDB1StayIntegers(transport: Transport) async throws {
        let answer: JSON = [
            "results": [["seq": 12, "id": "a", "changes": [["rev": "1-a"]]]], "last_seq": 12,
        ]
        let (response, requests) = try await run(
            transport,
            ChangesOptions(since: .sequence(7)), reply: .json(200, answer))

        #expect(response.results[0].seq == .int(12))
        #expect(response.lastSeq == .int(12))
        #expect(response.pending == nil)
        #expect(requests.first?.query == ["since": "7"])
    }

    @Test(arguments: Transport.allCases)
    func optionsBecomeQueryParameters(transport: Transport) async throws {
        var options = ChangesOptions(
            since: .sequence("5-g1AAAA+/x"), limit: 10, descending: true, includeDocs: true,
            conflicts: true, attachments: true, style: .allDocs)
        options.timeout = 5000
        options.heartbeat = 1000
        let (_, requests) = try await run(transport, options)

        let sent = try #require(requests.first)
        #expect(sent.method == "GET")
        #expect(sent.path == "/db/_changes")
        #expect(
            sent.query == [
                "style": "all_docs", "since": "5-g1AAAA+/x", "limit": "10", "descending": "true",
                "include_docs": "true", "conflicts": "true", "attachments": "true",
                "timeout": "5000", "heartbeat": "1000",
            ])
        // A sequence string travels percent-encoded: `+` as %2B, `/` as %2F.
        #expect(sent.rawQuery.contains("since=5-g1AAAA%2B%2Fx"))
    }

    @Test(arguments: Transport.allCases)
    func sinceNowIsSentAsNowAndStartAsNothing(transport: Transport) async throws {
        let (_, now) = try await run(transport, ChangesOptions(since: .now))
        let (_, start) = try await run(transport, ChangesOptions(since: .start))
        #expect(now.first?.query == ["since": "now"])
        #expect(start.first?.target == "/db/_changes")
    }

    @Test(arguments: Transport.allCases)
    func docIDsFilterPostsTheIDsInTheBody(transport: Transport) async throws {
        let ids = (0..<5000).map { "doc-\($0)" }
        let (_, requests) = try await run(transport, ChangesOptions(filter: .docIDs(ids)))

        let sent = try #require(requests.first)
        #expect(sent.method == "POST")
        #expect(sent.query == ["filter": "_doc_ids"])
        #expect(sent.header("Content-Type") == "application/json")
        #expect(sent.json?["doc_ids"]?.arrayValue?.count == 5000)
        #expect(sent.json?["doc_ids"]?[4999] == "doc-4999")
    }

    @Test(arguments: Transport.allCases)
    func selectorFilterPostsTheSelector(transport: Transport) async throws {
        let selector: JSON = ["type": "person", "age": ["$gt": 18]]
        let (_, requests) = try await run(transport, ChangesOptions(filter: .selector(selector)))

        let sent = try #require(requests.first)
        #expect(sent.method == "POST")
        #expect(sent.query == ["filter": "_selector"])
        #expect(sent.json == ["selector": selector])
    }

    @Test(arguments: Transport.allCases)
    func serverFilterNamesTheFunctionAndPassesItsParameters(transport: Transport) async throws {
        let filter = ChangesFilter.server(
            name: "app/by_place", queryParameters: ["place": "a b+c", "depth": "2"])
        let (_, requests) = try await run(transport, ChangesOptions(filter: filter))

        let sent = try #require(requests.first)
        #expect(sent.method == "GET")
        #expect(sent.query == ["filter": "app/by_place", "place": "a b+c", "depth": "2"])
        #expect(sent.rawQuery.contains("place=a%20b%2Bc"))
    }

    @Test(arguments: Transport.allCases)
    func predicateFilterReadsDocumentsAndKeepsMatchesOnly(transport: Transport) async throws {
        let filter = ChangesFilter.predicate(identity: "people") { $0["type"] == "person" }
        let (response, requests) = try await run(transport, ChangesOptions(filter: filter))

        #expect(response.results.map(\.id) == ["c"])
        #expect(response.results[0].doc == nil)
        #expect(response.lastSeq == "5-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy")
        #expect(requests.first?.query == ["include_docs": "true"])
    }

    @Test(arguments: Transport.allCases)
    func predicateFilterWithLimitReadsOnUntilEnoughMatch(transport: Transport) async throws {
        // The feed holds d1...d6 at sequences 1...6; only odd ones match.
        let server = try StubHTTPServer { request in
            let since = Int(request.query["since"] ?? "0") ?? 0
            let limit = Int(request.query["limit"] ?? "6") ?? 6
            let seqs = Array((since + 1)...6).prefix(limit)
            let rows: [JSON] = seqs.map { seq in
                [
                    "seq": .int(Int64(seq)), "id": .string("d\(seq)"),
                    "changes": [["rev": "1-a"]],
                    "doc": ["_id": .string("d\(seq)"), "odd": .bool(seq % 2 == 1)],
                ]
            }
            let last = JSON.int(Int64(seqs.last ?? since))
            return .json(200, ["results": .array(rows), "last_seq": last])
        }
        defer { server.stop() }
        let filter = ChangesFilter.predicate(identity: "odd") { $0["odd"] == true }
        let options = ChangesOptions(limit: 2, includeDocs: true, filter: filter)

        let response = try await transport.database(url: server.url("/db")).changes(options)

        // Asking for 2 reads d1, d2 (d1 matches), then 1 more: d3 matches.
        #expect(response.results.map(\.id) == ["d1", "d3"])
        #expect(response.results[0].doc?["odd"] == true)
        #expect(response.lastSeq == 3)
        #expect(server.requests.map { $0.query["limit"] } == ["2", "1"])
        #expect(server.requests.map { $0.query["since"] } == [nil, "2"])
    }

    @Test(arguments: Transport.allCases)
    func predicateFilterWithoutLimitStopsAtTheEndOfTheFeed(transport: Transport) async throws {
        let filter = ChangesFilter.predicate(identity: "none") { _ in false }
        let (response, requests) = try await run(transport, ChangesOptions(filter: filter))

        #expect(response.results.isEmpty)
        #expect(response.lastSeq == "5-g1AAAAB4eJzLYWBgYMpgTmHgz8tPSTV0MDQy")
        #expect(requests.count == 1)
    }

    @Test(arguments: Transport.allCases)
    func databaseMissingIsNotFound(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.error(404, "not_found", "Database does not exist.")
        let error = await #expect(throws: PouchError.self) {
            _ = try await run(transport, ChangesOptions(), reply: reply)
        }
        #expect(error == PouchError.notFound("Database does not exist."))
    }
}
