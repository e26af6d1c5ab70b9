import Foundation
import Pouch
import TestSupport
import Testing

/// `destroy()` deletes the database's files (Docs/Storage.md,
/// "Maintenance"), as CouchDB's `DELETE /{db}` removes its file: nothing
/// may bring a file back at that path afterwards.
@Suite struct BreakerDestroyTests {
    @Test func noFileReappearsAfterDestroyingADatabaseThatJustWroteALot() async throws {
        for round in 0..<3 {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("breaker-destroy-\(UUID().uuidString)")
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
}
