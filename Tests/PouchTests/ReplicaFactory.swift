import Foundation
import Pouch
import TestSupport

/// Makes the databases a replication test runs between, so one suite runs
/// over every kind of pair. Tests ask for `make("a")` and `make("b")`, the
/// two ends of a pair, so a mixed pair decides by name: a local-to-HTTP
/// factory opens "a" as a local `Database` and "b" as a `RemoteDatabase` on
/// a loopback server serving a local database, and `all` lists it.
struct ReplicaFactory: Sendable, CustomStringConvertible {
    let description: String
    /// A new, empty database for end `name` ("a" or "b") of a pair.
    let make: @Sendable (_ name: String) async throws -> any DocumentDatabase

    static let memory = ReplicaFactory(description: "memory") { name in
        MemoryDatabase(name: "memory-\(name)-\(UUID().uuidString)")
    }

    /// The SQLite `Database`, on an in-memory SQLite file.
    static let sqlite = ReplicaFactory(description: "sqlite") { name in
        try Database.inMemory(name: "\(name)-\(UUID().uuidString)")
    }

    /// Every kind of database the replication suite runs over.
    static let all: [ReplicaFactory] = [.sqlite, .memory, .localToHTTP, .httpToLocal]
}
