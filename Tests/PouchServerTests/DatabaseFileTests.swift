import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// The files behind `PUT`/`DELETE /db`: every name CouchDB accepts can be
/// stored, a failed create leaves nothing behind, and a file that is no
/// database can still be deleted.
@Suite struct DatabaseFileTests {
    static func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        try await body(server)
    }

    /// CouchDB's longest database name, 238 characters, here made mostly of
    /// slashes, is created, listed, read and deleted.
    @Test func longestNameWithManySlashesIsStored() async throws {
        let name = "a" + String(repeating: "/", count: 100) + String(repeating: "b", count: 137)
        #expect(name.count == 238)
        let path = "/" + name.replacingOccurrences(of: "/", with: "%2F")
        try await Self.withServer { (server) async throws in
            #expect(try await server.request("PUT", path).status == 201)
            #expect(try await server.request("GET", path).json["db_name"] == .string(name))
            #expect(try await server.request("GET", "/_all_dbs").json == [.string(name)])
            #expect(try await server.request("PUT", path + "/doc", json: [:]).status == 201)
            #expect(try await server.request("DELETE", path).json == ["ok": true])
            #expect(try await server.request("GET", "/_all_dbs").json == [])
            #expect(try await server.request("PUT", path).status == 201)
        }
    }

    /// A name over 238 characters is refused with 400
    /// `illegal_database_name`, and no database appears.
    @Test func nameOverTheLengthLimitIsIllegal() async throws {
        let name = String(repeating: "a", count: 239)
        try await Self.withServer { (server) async throws in
            let refused = try await server.request("PUT", "/" + name)
            #expect(refused.status == 400)
            #expect(try refused.json["error"] == "illegal_database_name")
            #expect(try await server.request("GET", "/_all_dbs").json == [])
        }
    }

    /// When creating fails part-way (here the `_security` file cannot be
    /// written, a directory being in its place), the database does not
    /// exist afterwards and can be created once the obstacle is gone.
    @Test func failedCreateLeavesNoDatabase() async throws {
        try await Self.withServer { (server) async throws in
            let obstacle = server.directory.appendingPathComponent("db.security.json")
            try FileManager.default.createDirectory(at: obstacle, withIntermediateDirectories: true)
            let failed = try await server.request("PUT", "/db")
            #expect(failed.status == 500)
            #expect(try await server.request("GET", "/_all_dbs").json == [])
            #expect(try await server.request("GET", "/db").status == 404)
            #expect(try await server.request("DELETE", "/db").status == 404)
            #expect(FileManager.default.fileExists(atPath: obstacle.path))
            try FileManager.default.removeItem(at: obstacle)
            #expect(try await server.request("PUT", "/db").status == 201)
            #expect(try await server.request("GET", "/db").status == 200)
        }
    }

    /// A `.sqlite` file that is not a database answers a clear 500 when
    /// opened, and `DELETE` removes it as CouchDB deletes a database file.
    @Test func corruptFileAnswersAnErrorAndCanBeDeleted() async throws {
        try await Self.withServer { (server) async throws in
            let file = server.directory.appendingPathComponent("junk.sqlite")
            try Data(repeating: 0x6A, count: 8192).write(to: file)
            #expect(try await server.request("GET", "/_all_dbs").json == ["junk"])
            let opened = try await server.request("GET", "/junk")
            #expect(opened.status == 500)
            #expect(try opened.json["error"] == "storage_error")
            #expect(try await server.request("DELETE", "/junk").json == ["ok": true])
            #expect(!FileManager.default.fileExists(atPath: file.path))
            #expect(try await server.request("GET", "/_all_dbs").json == [])
            #expect(try await server.request("PUT", "/junk").status == 201)
        }
    }

    /// A database `a/b` kept as `a%2Fb.sqlite`, as earlier versions named
    /// it, is still served and deleted.
    @Test func legacyEncodedFileIsStillServed() async throws {
        try await Self.withServer { (server) async throws in
            let path = server.directory.appendingPathComponent("a%2Fb.sqlite").path
            let database = try Database(path: path)
            _ = try await database.put(["_id": "x"])
            #expect(try await server.request("GET", "/_all_dbs").json == ["a/b"])
            #expect(try await server.request("GET", "/a%2Fb").json["doc_count"] == 1)
            #expect(try await server.request("PUT", "/a%2Fb").status == 412)
            #expect(try await server.request("DELETE", "/a%2Fb").json == ["ok": true])
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
