import Foundation
import Pouch
import TestSupport
import Testing

/// `pending` on a feed read page by page, as a replication reads it, past
/// the number of rows counted exactly.
@Suite struct ChangesPendingTests {
    /// Writes `doc-0`, `doc-1` ... in batches of 100.
    @discardableResult
    static func write(_ count: Int, to db: Database) async throws -> [BulkDocsResult] {
        var results: [BulkDocsResult] = []
        for start in stride(from: 0, to: count, by: 100) {
            let docs: [JSON] = (start..<min(start + 100, count)).map {
                ["_id": .string("doc-\($0)")]
            }
            results += try await db.bulkDocs(docs, newEdits: true)
        }
        return results
    }

    @Test func pendingIsTheRestOfAFeedOfDocumentsWrittenOnce() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        try await Self.write(150, to: db)

        let first = try await db.changes(ChangesOptions(limit: 10))
        let later = try await db.changes(
            ChangesOptions(since: .sequence(first.lastSeq), limit: 100))
        let last = try await db.changes(
            ChangesOptions(since: .sequence(later.lastSeq), limit: 10))

        // 150 documents, each changed once: what follows a page is exact,
        // past the 100 rows counted (140) as under them (40, 30).
        #expect(first.pending == 140)
        #expect(later.pending == 40)
        #expect(last.pending == 30)
    }

    @Test func pendingNeverUndercountsDocumentsChangedAgain() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let written = try await Self.write(120, to: db)
        // The first 20 documents change again, so they move to the end.
        let edits: [JSON] = written.prefix(20).map { result in
            ["_id": .string(result.id), "_rev": .string(result.rev?.description ?? ""), "v": 2]
        }
        _ = try await db.bulkDocs(edits, newEdits: true)

        let page = try await db.changes(ChangesOptions(limit: 10))

        // 120 documents, 10 read: 110 follow, each counted at least once,
        // and at most the 130 sequences left.
        #expect(page.results.map(\.id).first == "doc-20")
        #expect((page.pending ?? 0) >= 110)
        #expect((page.pending ?? 0) <= 130)
    }
}
