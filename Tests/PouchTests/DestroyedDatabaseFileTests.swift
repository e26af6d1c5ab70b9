import Foundation
import Pouch
import TestSupport
import Testing

/// `destroy()` deletes the database's files (Docs/Storage.md,
/// "Maintenance"), as CouchDB's `DELETE /{db}` removes its file: nothing
/// may bring a file back at that path afterwards.
@Suite struct DestroyedDatabaseFileTests {
    @Test func noFileReappearsAfterDestroyingADatabaseThatJustWroteALot() async throws {
        for round in 0..<3 {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("pouch-destroy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("db.sqlite").path
            do {
                let database = try Database(path: path)
                // One transaction of about 6 MB: past the 1,000-page mark at
                // which the background checkpoint is asked for.
                let filler = String(repeating: "y", count: 2000)
                let docs: [JSON] = (0..<3000).map {
                    ["_id": .string("d\($0)"), "f": .string(filler)]
                }
                _ = try await database.bulkDocs(docs, newEdits: true)
                try await database.destroy()
            }
            try await Task.sleep(for: .milliseconds(500))
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(left.isEmpty, "round \(round): \(left)")
        }
    }

    /// A destroyed database still referenced (as an in-flight server
    /// request holds one) while a new database is created at its path:
    /// when the old one finally closes, the new one's write-ahead log must
    /// stay, or its acknowledged writes are lost on the next crash.
    @Test func closingADestroyedDatabaseKeepsTheNewLogAtItsPath() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-reuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("db.sqlite").path
        var old: Database? = try Database(path: path)
        _ = try await old?.put(["_id": "before"])
        try await old?.destroy()
        let new = try Database(path: path)
        _ = try await new.bulkDocs((0..<10).map { ["_id": .string("n\($0)")] }, newEdits: true)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        old = nil
        try await Task.sleep(for: .milliseconds(300))
        #expect(old == nil)
        // The new database's commits are in its log until a checkpoint:
        // the log must still be at its path for another process (or the
        // next open after a crash) to see them.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(FileManager.default.fileExists(atPath: path + "-shm"))
        _ = new
    }
}
