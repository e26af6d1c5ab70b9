import Foundation
import Pouch
import TestSupport
import Testing

/// The write-ahead log is copied back into the database file by a
/// background checkpoint once it passes 1,000 pages (4 MB with SQLite's
/// 4 KiB pages), as SQLite's automatic checkpoint would.
@Suite struct WALCheckpointTests {
    /// About 12 MB of documents in 40 transactions: three times the
    /// checkpoint threshold.
    private static func write(_ database: Database) async throws {
        let filler = String(repeating: "x", count: 1000)
        for batch in 0..<40 {
            let docs: [JSON] = (0..<300).map { index in
                ["_id": .string("doc-\(batch)-\(index)"), "filler": .string(filler)]
            }
            _ = try await database.bulkDocs(docs, newEdits: true)
        }
    }

    private static func size(_ path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func theLogIsCopiedIntoTheFileWhileTheDatabaseIsOpen() async throws {
        let temporary = try TemporaryDatabase()
        try await Self.write(temporary.database)
        // Without a checkpoint the file would hold only the schema, every
        // page staying in the log. 12,000 documents of 1 KB take over 12 MB
        // of pages; all but the last log's (under 4 MB) reach the file.
        var fileSize = 0
        for _ in 0..<400 where fileSize < 6_000_000 {
            fileSize = Self.size(temporary.path)
            if fileSize < 6_000_000 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(fileSize >= 6_000_000)
        #expect(try await temporary.database.integrityCheck() == ["ok"])
        #expect(try await temporary.database.info().docCount == 12_000)
    }

    @Test func everyDocumentIsThereAfterReopening() async throws {
        let temporary = try TemporaryDatabase()
        try await Self.write(temporary.database)
        let reopened = try Database(path: temporary.path)
        #expect(try await reopened.info().docCount == 12_000)
        let doc = try await reopened.get("doc-39-299")
        #expect(doc["filler"]?.stringValue?.count == 1000)
        #expect(try await reopened.integrityCheck() == ["ok"])
    }
}
