import Foundation
import Testing

@testable import Pouch

/// What only the local `Database` offers for `_local` documents; their
/// behaviour shared with `RemoteDatabase` is in
/// `DatabaseBehaviourTests.LocalDocuments`.
@Suite struct LocalDocumentTests {
    @Test func localDocumentsListsIDsAndRevisionsInIDOrder() async throws {
        // CouchDB scenario api17 list: `_local_docs` rows by id.
        let db = try Database.inMemory(name: "local")
        try await db.putLocalDocument(["_id": "_local/cp", "v": 1])
        try await db.putLocalDocument(["_id": "_local/cp", "_rev": "0-1", "v": 2])
        try await db.post(["_id": "_local/posted", "k": 1])
        try await db.put(["_id": "_local/with/slash", "k": 2])
        let listed = try await db.localDocuments()
        #expect(listed.map(\.id) == ["_local/cp", "_local/posted", "_local/with/slash"])
        #expect(listed.map { $0.rev?.description } == ["0-2", "0-1", "0-1"])
    }
}
