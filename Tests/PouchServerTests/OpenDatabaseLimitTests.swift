import Foundation
import Pouch
import Testing

@testable import PouchServer

/// CouchDB's `max_dbs_open`: past the limit, the least recently used
/// database is closed and opened again when next asked for, with nothing
/// lost.
@Suite struct OpenDatabaseLimitTests {
    private static func provider(limit: Int) throws -> DirectoryDatabaseProvider {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-limit-\(UUID().uuidString)", isDirectory: true)
        return try DirectoryDatabaseProvider(directory: directory, maxOpenDatabases: limit)
    }

    @Test func pastTheLimitDatabasesAreClosedAndReopenedOnDemand() async throws {
        let provider = try Self.provider(limit: 3)
        defer { try? FileManager.default.removeItem(at: provider.directory) }
        for index in 0..<8 {
            let database = try await provider.createDatabase(named: "db\(index)")
            _ = try await database.put(["_id": .string("doc\(index)")])
        }
        #expect(provider.openDatabaseCount == 3)
        for index in 0..<8 {
            let database = try await provider.database(named: "db\(index)")
            let doc = try await database?.get("doc\(index)")
            #expect(doc?["_id"] == .string("doc\(index)"))
        }
        #expect(provider.openDatabaseCount == 3)
        #expect(try await provider.databaseNames() == (0..<8).map { "db\($0)" })
    }

    @Test func theLeastRecentlyUsedIsTheOneLetGo() async throws {
        let provider = try Self.provider(limit: 3)
        defer { try? FileManager.default.removeItem(at: provider.directory) }
        var first: [Database] = []
        for name in ["a", "b", "c"] {
            first.append(try #require(try await provider.createDatabase(named: name) as? Database))
        }
        _ = try await provider.database(named: "a")
        _ = try await provider.createDatabase(named: "d")
        // "b" was used least recently: a new instance now; "a" and "c" stay.
        let a = try #require(try await provider.database(named: "a") as? Database)
        let b = try #require(try await provider.database(named: "b") as? Database)
        #expect(a === first[0])
        #expect(b !== first[1])
    }
}
