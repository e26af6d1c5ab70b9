import Foundation
import Pouch
import TestSupport
import Testing

/// The README's API tour, run as written against a loopback server, with
/// the outcomes CouchDB would give.
@Suite struct ReadmeTourTests {
    @Test func tourRunsAsWritten() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let db = try Database(path: directory.appendingPathComponent("people.sqlite").path)
        let written = try await db.put(["_id": "alice", "type": "person", "age": 31])
        #expect(written.rev.generation == 1)
        var alice = try await db.get("alice")
        alice["age"] = 32
        let second = try await db.put(alice)
        #expect(second.rev.generation == 2)

        let batch = try await db.changes(ChangesOptions(since: .start, includeDocs: true))
        #expect(batch.results.map(\.id) == ["alice"])
        #expect(batch.results.first?.doc?["age"] == 32)

        try await db.createIndex(IndexDefinition(fields: [SortField("age")]))
        _ = try await db.put(["_id": "bob", "type": "person", "age": 12])
        let adults = try await db.find(FindQuery(selector: ["age": ["$gte": 18]]))
        #expect(adults.docs.map { $0["_id"] } == ["alice"])

        let url = server.adminURL.appendingPathComponent("people")
        let remote = RemoteDatabase(url: url)
        try await remote.create()
        let result = try await Replication(source: db, target: remote).run()
        // alice, bob and the index's design document.
        #expect(result.docsWritten == 3)
        #expect(try await remote.get("alice")["_rev"] == .string(second.rev.description))
    }
}
