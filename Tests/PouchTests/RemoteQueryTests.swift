import Foundation
import Pouch
import TestSupport
import Testing

/// Mango `_find` and `_index` requests (shapes from scenario API-21).
@Suite struct RemoteQueryTests {
    func withDatabase(
        _ transport: Transport, _ reply: StubHTTPServer.Reply,
        _ body: (RemoteDatabase, StubHTTPServer) async throws -> Void
    ) async throws {
        try await StubHTTPServer.withDatabase({ _ in reply }, transport: transport.choice, body)
    }

    @Test(arguments: Transport.allCases)
    func findPostsTheQueryAsMangoWritesIt(transport: Transport) async throws {
        let answer: JSON = [
            "docs": [["_id": "r2"], ["_id": "r3"]], "bookmark": "g1AAAA",
            "execution_stats": ["total_docs_examined": 3],
        ]
        try await withDatabase(transport, .json(200, answer)) { db, server in
            var query = FindQuery(
                selector: ["type": "visit"], fields: ["_id"],
                sort: [SortField("type"), SortField("date", ascending: false)], limit: 2,
                skip: 1, useIndex: ["visits", "by-type-date"], executionStats: true)
            query.bookmark = "g1AAAB"
            let response = try await db.find(query)

            #expect(response.docs == [["_id": "r2"], ["_id": "r3"]])
            #expect(response.bookmark == "g1AAAA")
            #expect(response.warning == nil)
            #expect(response.executionStats == ["total_docs_examined": 3])
            let sent = try #require(server.requests.first)
            #expect(sent.path == "/db/_find")
            #expect(
                sent.json == [
                    "selector": ["type": "visit"], "fields": ["_id"],
                    "sort": [["type": "asc"], ["date": "desc"]], "limit": 2, "skip": 1,
                    "use_index": ["visits", "by-type-date"], "execution_stats": true,
                    "bookmark": "g1AAAB",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func findWithOneIndexNameSendsItAsAString(transport: Transport) async throws {
        try await withDatabase(transport, .json(200, ["docs": []])) { db, server in
            _ = try await db.find(FindQuery(selector: [:], useIndex: ["visits"]))
            #expect(server.requests.first?.json?["use_index"] == "visits")
        }
    }

    @Test(arguments: Transport.allCases)
    func createIndexPostsTheDefinition(transport: Transport) async throws {
        let answer: JSON = ["result": "created", "id": "_design/visits", "name": "by-type-date"]
        try await withDatabase(transport, .json(200, answer)) { db, server in
            let result = try await db.createIndex(
                IndexDefinition(
                    fields: [SortField("type"), SortField("date")], name: "by-type-date",
                    ddoc: "visits", partialFilterSelector: ["type": "visit"]))

            #expect(
                result
                    == CreateIndexResult(
                        result: "created", id: "_design/visits", name: "by-type-date"))
            #expect(
                server.requests.first?.json == [
                    "index": [
                        "fields": [["type": "asc"], ["date": "asc"]],
                        "partial_filter_selector": ["type": "visit"],
                    ],
                    "type": "json", "name": "by-type-date", "ddoc": "visits",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func indexesReadsThePrimaryAndJSONIndexes(transport: Transport) async throws {
        let answer: JSON = [
            "total_rows": 2,
            "indexes": [
                [
                    "ddoc": .null, "name": "_all_docs", "type": "special",
                    "def": ["fields": [["_id": "asc"]]],
                ],
                [
                    "ddoc": "_design/visits", "name": "by-type-date", "type": "json",
                    "partitioned": false,
                    "def": ["fields": [["type": "asc"], ["date": "desc"]]],
                ],
            ],
        ]
        try await withDatabase(transport, .json(200, answer)) { db, _ in
            let indexes = try await db.indexes()
            #expect(
                indexes == [
                    IndexInfo(
                        ddoc: nil, name: "_all_docs", type: "special", fields: [.init("_id")]),
                    IndexInfo(
                        ddoc: "_design/visits", name: "by-type-date", type: "json",
                        fields: [SortField("type"), SortField("date", ascending: false)]),
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func deleteIndexUsesTheDesignNameWithoutPrefix(transport: Transport) async throws {
        try await withDatabase(transport, .json(200, ["ok": true])) { db, server in
            try await db.deleteIndex(ddoc: "_design/visits", name: "by type")
            try await db.deleteIndex(ddoc: "visits", name: "by-date")
            #expect(server.requests.map(\.method) == ["DELETE", "DELETE"])
            #expect(
                server.requests.map(\.path) == [
                    "/db/_index/visits/json/by%20type", "/db/_index/visits/json/by-date",
                ])
        }
    }

    @Test(arguments: Transport.allCases)
    func findErrorsKeepMangosNames(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.error(
            400, "no_usable_index",
            "No index exists for this sort, try indexing by the sort fields.")
        try await withDatabase(transport, reply) { db, _ in
            let error = await #expect(throws: PouchError.self) {
                _ = try await db.find(FindQuery(selector: [:], sort: [SortField("x")]))
            }
            #expect(error?.code == .noUsableIndex)
            #expect(error?.status == 400)
        }
    }
}
