import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// `bulkGet` through `_bulk_get`, and its fallback to one `open_revs` read
/// per document for servers without a working `_bulk_get`.
@Suite struct RemoteBulkGetTests {
    static let requests = [
        BulkGetRequest(id: "a", rev: RevisionID("2-a2")),
        BulkGetRequest(id: "nope"),
    ]

    /// A server whose `_bulk_get` answers `bulkGetReply`, and whose
    /// `open_revs` reads answer like CouchDB for `a` at 2-a2 (API-07).
    static func server(bulkGetReply: StubHTTPServer.Reply) throws -> StubHTTPServer {
        try StubHTTPServer { request in
            if request.path == "/db/_bulk_get" { return bulkGetReply }
            if request.path == "/db/a" {
                return .json(200, [["ok": ["_id": "a", "_rev": "2-a2", "v": "a"]]])
            }
            return .error(404, "not_found", "missing")
        }
    }

    static let expected = [
        BulkGetResult(id: "a", docs: [.ok(["_id": "a", "_rev": "2-a2", "v": "a"])]),
        BulkGetResult(
            id: "nope", docs: [.error(id: "nope", rev: nil, error: .notFound("missing"))]),
    ]

    @Test(arguments: Transport.allCases)
    func bulkGetPostsTheRequestsAndReadsOkAndErrorItems(transport: Transport) async throws {
        // CouchDB 3.5's answer in scenario API-11.
        let answer: JSON = [
            "results": [
                [
                    "id": "a",
                    "docs": [
                        [
                            "ok": [
                                "_id": "a", "_rev": "2-a2", "v": "a",
                                "_revisions": ["start": 2, "ids": ["a2", "a1"]],
                            ]
                        ]
                    ],
                ],
                [
                    "id": "nope",
                    "docs": [
                        [
                            "error": [
                                "id": "nope", "rev": "undefined", "error": "not_found",
                                "reason": "missing",
                            ]
                        ]
                    ],
                ],
            ]
        ]
        let server = try StubHTTPServer { _ in .json(200, answer) }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        let requests = [
            BulkGetRequest(id: "a", rev: RevisionID("2-a2"), attsSince: [RevisionID("1-a1")!]),
            BulkGetRequest(id: "nope"),
        ]

        let results = try await db.bulkGet(
            requests, options: BulkGetOptions(revs: true, attachments: true, latest: true))

        #expect(results.count == 2)
        #expect(results[0].docs.first == .ok(answer["results"]![0]!["docs"]![0]!["ok"]!))
        #expect(
            results[1].docs == [
                .error(id: "nope", rev: "undefined", error: PouchError.notFound("missing"))
            ])
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.query == ["revs": "true", "attachments": "true", "latest": "true"])
        #expect(
            sent.json == [
                "docs": [["id": "a", "rev": "2-a2", "atts_since": ["1-a1"]], ["id": "nope"]]
            ])
    }

    @Test(arguments: Transport.allCases, [400, 404, 405, 500, 502])
    func unusableBulkGetFallsBackToOpenRevs(transport: Transport, status: Int) async throws {
        let server = try Self.server(bulkGetReply: .error(status, "x", "no _bulk_get here"))
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let results = try await db.bulkGet(
            Self.requests, options: BulkGetOptions(revs: true, latest: true))

        #expect(results == Self.expected)
        let reads = server.requests.filter { $0.method == "GET" }
        #expect(reads.map(\.path).sorted() == ["/db/a", "/db/nope"])
        let a = try #require(reads.first { $0.path == "/db/a" })
        #expect(a.query == ["open_revs": #"["2-a2"]"#, "revs": "true", "latest": "true"])
        #expect(a.header("Accept") == "application/json")
        let nope = try #require(reads.first { $0.path == "/db/nope" })
        #expect(nope.query["open_revs"] == "all")
    }

    @Test(arguments: Transport.allCases)
    func fallbackSticksAfter405(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.error(405, "method_not_allowed", "Only GET allowed")
        let server = try Self.server(bulkGetReply: reply)
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        _ = try await db.bulkGet(Self.requests, options: BulkGetOptions())
        let second = try await db.bulkGet(Self.requests, options: BulkGetOptions())

        #expect(second == Self.expected)
        let bulkGets = server.requests.filter { $0.path == "/db/_bulk_get" }
        #expect(bulkGets.count == 1)
        #expect(server.requests.count == 5)
    }

    @Test(arguments: Transport.allCases)
    func serverErrorFallsBackOnlyThatOnce(transport: Transport) async throws {
        let attempts = Mutex(0)
        let server = try StubHTTPServer { request in
            if request.path == "/db/_bulk_get" {
                let first = attempts.withLock { count in
                    count += 1
                    return count == 1
                }
                if first { return .error(503, "service_unavailable", "try later") }
                return .json(200, ["results": []])
            }
            return .json(200, [["ok": ["_id": "a", "_rev": "2-a2", "v": "a"]]])
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        let one = [BulkGetRequest(id: "a", rev: RevisionID("2-a2"))]

        _ = try await db.bulkGet(one, options: BulkGetOptions())
        _ = try await db.bulkGet(one, options: BulkGetOptions())

        #expect(server.requests.map(\.path) == ["/db/_bulk_get", "/db/a", "/db/_bulk_get"])
    }

    @Test(arguments: Transport.allCases)
    func missingDatabaseIsAnErrorNotAFallback(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.error(404, "not_found", "Database does not exist.")
        let server = try Self.server(bulkGetReply: reply)
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let error = await #expect(throws: PouchError.self) {
            _ = try await db.bulkGet(Self.requests, options: BulkGetOptions())
        }

        #expect(error == PouchError.notFound("Database does not exist."))
        #expect(server.requests.count == 1)
    }

    @Test(arguments: Transport.allCases)
    func fallbackKeepsOrderAndAtMostEightReadsInFlight(transport: Transport) async throws {
        let inFlight = Mutex((now: 0, most: 0))
        let server = try StubHTTPServer { request in
            if request.path == "/db/_bulk_get" { return .error(404, "not_found", "missing") }
            inFlight.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            Thread.sleep(forTimeInterval: 0.05)
            inFlight.withLock { $0.now -= 1 }
            let id = String(request.path.dropFirst("/db/".count))
            return .json(200, [["ok": ["_id": .string(id), "_rev": "1-x"]]])
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        let requests = (0..<30).map { BulkGetRequest(id: "doc\($0)", rev: RevisionID("1-x")) }

        let results = try await db.bulkGet(requests, options: BulkGetOptions())

        #expect(results.map(\.id) == requests.map(\.id))
        #expect(results[29].docs == [.ok(["_id": "doc29", "_rev": "1-x"])])
        #expect(inFlight.withLock { $0.most } <= 8)
        #expect(server.requests.count == 31)
    }

    @Test(arguments: Transport.allCases)
    func fallbackMissingRevisionIsANotFoundItem(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            if request.path == "/db/_bulk_get" { return .error(405, "method_not_allowed", "") }
            return .json(200, [["missing": "9-zz"]])
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let results = try await db.bulkGet(
            [BulkGetRequest(id: "a", rev: RevisionID("9-zz"))], options: BulkGetOptions())

        #expect(
            results == [
                BulkGetResult(
                    id: "a", docs: [.error(id: "a", rev: "9-zz", error: .notFound("missing"))])
            ])
    }

    @Test(arguments: Transport.allCases)
    func fallbackStopsOnANetworkError(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            request.path == "/db/_bulk_get" ? .error(405, "method_not_allowed", "") : .drop
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let error = await #expect(throws: PouchError.self) {
            _ = try await db.bulkGet(Self.requests, options: BulkGetOptions())
        }
        #expect(error?.code == .network)
    }
}
