import Foundation
import Pouch
import TestSupport

extension ReplicaFactory {
    /// One loopback server for the whole test process.
    private static let server = Task { try await TestServer.start() }

    /// A new database on the loopback server, opened as a `RemoteDatabase`.
    static func remote(_ name: String) async throws -> any DocumentDatabase {
        let server = try await server.value
        let suffix = UUID().uuidString.lowercased().prefix(12)
        let url = server.adminURL.appendingPathComponent("\(name.lowercased())-\(suffix)")
        let db = RemoteDatabase(url: url)
        try await db.create()
        return db
    }

    /// "a" local, "b" on the loopback server.
    static let localToHTTP = ReplicaFactory(description: "local-http") { name in
        name == "a" ? try await ReplicaFactory.sqlite.make(name) : try await remote(name)
    }

    /// "a" on the loopback server, "b" local.
    static let httpToLocal = ReplicaFactory(description: "http-local") { name in
        name == "b" ? try await ReplicaFactory.sqlite.make(name) : try await remote(name)
    }
}
