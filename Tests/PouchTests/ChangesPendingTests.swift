import Foundation
import Pouch
import TestSupport
import Testing

/// `pending` on a feed read page by page, as a replication reads it, past
/// the number of rows counted exactly.
@Suite struct ChangesPendingTests {
    @Test func pendingIsTheRestOfAFeedOfDocumentsWrittenOnce() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let docs: [JSON] = (0..<1_500).map { ["_id": .string("doc-\($0)")] }
        _ = try await db.bulkDocs(docs, newEdits: true)

        let first = try await db.changes(ChangesOptions(limit: 100))
        let later = try await db.changes(
            ChangesOptions(since: .sequence(first.lastSeq), limit: 1_000))
        let last = try await db.changes(
            ChangesOptions(since: .sequence(later.lastSeq), limit: 100))

        // 1,500 documents, each changed once: what follows a page is exact.
        #expect(first.pending == 1_400)
        #expect(later.pending == 400)
        #expect(last.pending == 300)
    }

    @Test func pendingNeverUndercountsDocumentsChangedAgain() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let docs: [JSON] = (0..<1_200).map { ["_id": .string("doc-\($0)")] }
        let written = try await db.bulkDocs(docs, newEdits: true)
        // The first 200 documents change again, so they move to the end.
        let edits: [JSON] = written.prefix(200).map { result in
            ["_id": .string(result.id), "_rev": .string(result.rev?.description ?? ""), "v": 2]
        }
        _ = try await db.bulkDocs(edits, newEdits: true)

        let page = try await db.changes(ChangesOptions(limit: 10))

        // 1,200 documents, 10 read: 1,190 follow, each counted at least once.
        #expect(page.results.map(\.id).first == "doc-200")
        #expect((page.pending ?? 0) >= 1_190)
        #expect((page.pending ?? 0) <= 1_390)
    }
}
