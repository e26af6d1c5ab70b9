import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// The live feed: long polls one after another, resuming from the last
/// sequence after a failed request, until the consumer stops.
@Suite struct RemoteLiveChangesTests {
    /// A long-poll answer with one change per id, at sequences named after
    /// the ids, and `last` as `last_seq`.
    static func batch(_ ids: [String], last: String) -> StubHTTPServer.Reply {
        let rows: [JSON] = ids.map { id in
            ["seq": .string("seq-\(id)"), "id": .string(id), "changes": [["rev": "1-a"]]]
        }
        return .json(200, ["results": .array(rows), "last_seq": .string(last)])
    }

    /// The first `count` changes of `feed`.
    static func take(_ count: Int, from feed: RemoteChangesFeed) async throws -> [Change] {
        var changes: [Change] = []
        for try await change in feed {
            changes.append(change)
            if changes.count == count { break }
        }
        return changes
    }

    @Test(arguments: Transport.allCases)
    func longPollsOneAfterAnotherFromEachLastSequence(transport: Transport) async throws {
        let server = try StubHTTPServer(script: [
            Self.batch(["a", "b"], last: "seq-b"),
            Self.batch([], last: "seq-b"),
            Self.batch(["c"], last: "seq-c"),
        ])
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let changes = try await Self.take(3, from: db.liveChanges(ChangesOptions(since: .now)))

        #expect(changes.map(\.id) == ["a", "b", "c"])
        #expect(changes.map(\.seq) == ["seq-a", "seq-b", "seq-c"])
        let queries = server.requests.map(\.query)
        #expect(queries.map { $0["feed"] } == ["longpoll", "longpoll", "longpoll"])
        #expect(queries.map { $0["heartbeat"] } == ["10000", "10000", "10000"])
        #expect(queries.map { $0["since"] } == ["now", "seq-b", "seq-b"])
    }

    @Test(
        arguments: Transport.allCases,
        [
            StubHTTPServer.Reply.drop,
            .truncated(status: 200, declaredLength: 80, body: Array(#"{"results":["#.utf8)),
            .error(503, "service_unavailable", "restarting"),
            .text(200, "<html>proxy</html>"),
        ])
    func resumesFromTheLastSequenceAfterAFailedRequest(
        transport: Transport, failure: StubHTTPServer.Reply
    )
        async throws
    {
        let server = try StubHTTPServer(script: [
            Self.batch(["a"], last: "seq-a"),
            failure,
            failure,
            Self.batch(["b"], last: "seq-b"),
        ])
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        let feed = db.liveChanges(ChangesOptions(), reconnectDelay: .milliseconds(10))

        let changes = try await Self.take(2, from: feed)

        #expect(changes.map(\.id) == ["a", "b"])
        let sinces = server.requests.map { $0.query["since"] }
        #expect(sinces == [nil, "seq-a", "seq-a", "seq-a"])
    }

    @Test(arguments: Transport.allCases)
    func errorThatRetryingCannotFixEndsTheFeed(transport: Transport) async throws {
        let server = try StubHTTPServer(script: [
            Self.batch(["a"], last: "seq-a"),
            .error(401, "unauthorized", "Session expired"),
        ])
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        var seen: [String] = []

        let error = await #expect(throws: PouchError.self) {
            for try await change in db.liveChanges(ChangesOptions()) { seen.append(change.id) }
        }

        #expect(seen == ["a"])
        #expect(error == PouchError.unauthorized("Session expired"))
    }

    @Test(arguments: Transport.allCases)
    func cancellingTheConsumerEndsTheFeedAndItsRequest(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in
            .delayed(.seconds(120), Self.batch(["late"], last: "seq-late"))
        }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))
        let consumer = Task {
            var ids: [String] = []
            for try await change in db.liveChanges(ChangesOptions()) { ids.append(change.id) }
            return ids
        }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }

        consumer.cancel()

        #expect(try await consumer.value == [])
        #expect(server.requests.count == 1)
    }

    @Test(arguments: Transport.allCases)
    func heartbeatNewlinesBeforeTheResultAreSkipped(transport: Transport) async throws {
        let body =
            Array(#"{"results":[{"seq":"s1","id":"a","changes":[{"rev":"1-a"}]}],"#.utf8)
            + Array(#""last_seq":"s1"}"#.utf8)
        let reply = StubHTTPServer.Reply.chunked(
            status: 200, chunks: [[10], [10], body], interval: .milliseconds(20))
        let server = try StubHTTPServer(script: [reply])
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let changes = try await Self.take(1, from: db.liveChanges(ChangesOptions()))

        #expect(changes.map(\.id) == ["a"])
    }

    @Test(arguments: Transport.allCases)
    func longPollMayOutlastTheIdleTimeoutByItsOwnTimeout(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.delayed(
            .milliseconds(800), Self.batch(["a"], last: "seq-a"))
        let server = try StubHTTPServer(script: [reply])
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: nil,
            timeouts: RemoteTimeouts(request: .milliseconds(300)))
        var options = ChangesOptions()
        options.timeout = 5000

        let changes = try await Self.take(1, from: db.liveChanges(options))

        #expect(changes.map(\.id) == ["a"])
        #expect(server.requests.first?.query["timeout"] == "5000")
    }

    @Test(arguments: Transport.allCases)
    func waitForChangesLongPollsForOneChange(transport: Transport) async throws {
        let server = try StubHTTPServer(script: [
            Self.batch([], last: "seq-0"), Self.batch(["a"], last: "seq-a"),
        ])
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let first = try await db.waitForChanges(since: "seq-0", timeout: .seconds(2))
        let second = try await db.waitForChanges(since: "seq-0", timeout: .seconds(2))

        #expect(!first)
        #expect(second)
        #expect(
            server.requests.first?.query == [
                "feed": "longpoll", "since": "seq-0", "limit": "1", "timeout": "2000",
            ])
    }
}
