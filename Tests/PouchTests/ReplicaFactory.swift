import Foundation
import Pouch
import TestSupport

/// Makes the databases a replication test runs between, so one suite runs
/// over every kind of pair: local to local now, and local to HTTP once a
/// loopback server exists (add a factory whose `make` opens a remote
/// database on it).
struct ReplicaFactory: Sendable, CustomStringConvertible {
    let description: String
    /// A new, empty database; `name` tells the two ends of a pair apart.
    let make: @Sendable (_ name: String) async throws -> any DocumentDatabase

    static let memory = ReplicaFactory(description: "memory") { name in
        MemoryDatabase(name: "memory-\(name)-\(UUID().uuidString)")
    }

    /// The SQLite `Database`, on an in-memory SQLite file.
    static let sqlite = ReplicaFactory(description: "sqlite") { name in
        try Database.inMemory(name: "\(name)-\(UUID().uuidString)")
    }

    /// Every kind of database the replication suite runs over.
    static let all: [ReplicaFactory] = [.sqlite, .memory]
}
