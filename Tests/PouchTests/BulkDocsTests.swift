import Foundation
import TestSupport
import Testing

@testable import Pouch

/// Large batches, where the local `Database` prepares documents in chunks;
/// the behaviour of `bulkDocs` is in `DatabaseBehaviourTests.BulkDocs`.
@Suite struct LargeBulkDocsTests {
    @Test func anInvalidDocumentLateInALargeBatchWritesNothing() async throws {
        let db = try Database.inMemory(name: "large")
        var docs: [JSON] = (0..<1000).map { ["_id": .string("doc-\($0)")] }
        docs[900] = ["_id": "_bad"]
        await #expect(
            throws: PouchError.illegalDocID("Only reserved document ids may start with underscore.")
        ) {
            try await db.bulkDocs(docs, newEdits: true)
        }
        let info = try await db.info()
        #expect(info.docCount == 0)
        #expect(info.updateSeq == .int(0))
    }

    @Test func aLargeBatchAnswersEveryDocumentInOrder() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let docs: [JSON] = (0..<1000).map { ["_id": .string(String(format: "doc-%04d", $0))] }
        let results = try await db.bulkDocs(docs + [["_id": "doc-0000"]], newEdits: true)
        #expect(results.count == 1001)
        #expect(results.prefix(1000).map(\.id) == docs.map { $0["_id"]!.stringValue! })
        #expect(results.prefix(1000).allSatisfy { $0.rev?.generation == 1 })
        #expect(results[1000] == BulkDocsResult(id: "doc-0000", error: .conflict()))
        #expect(try await db.info().updateSeq == .int(1000))
    }
}
