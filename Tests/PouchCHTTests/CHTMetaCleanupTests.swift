import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTMetaCleanupTests {
    @Test func feedbackTheServerHoldsIsRemovedAndStaysRemovedAfterAPull() async throws {
        let local = try Database.inMemory(name: "meta")
        let server = try Database.inMemory(name: "medic-user-chw1-meta")
        let shared: JSON = ["_id": "feedback-1", "type": "feedback", "info": ["message": "x"]]
        let written = try await local.put(shared)
        // The server got the same revision, as replication would copy it.
        var copy = try await local.get("feedback-1", options: GetOptions(revs: true))
        _ = try await server.bulkDocs([copy], newEdits: false)
        try await local.put(["_id": "feedback-2", "type": "feedback"])
        try await local.put(["_id": "read:report:r1"])
        let telemetry = try await local.put(["_id": "telemetry-1", "type": "telemetry"])
        copy = try await local.get("telemetry-1", options: GetOptions(revs: true))
        _ = try await server.bulkDocs([copy], newEdits: false)
        // A newer local telemetry revision has not reached the server.
        try await local.put([
            "_id": "telemetry-1", "_rev": .string(telemetry.rev.description), "type": "telemetry",
            "metrics": [:],
        ])

        let sync = CHTSync(
            medic: local, remoteMedic: server, api: NoAPI(), meta: local, remoteMeta: server)
        #expect(try await sync.cleanUpMeta() == ["feedback-1"])
        let live = Set(try await local.allDocs().rows.compactMap(\.id))
        #expect(live == ["feedback-2", "read:report:r1", "telemetry-1"])

        // Pulling the server's revision again brings nothing back.
        let serverCopy = try await server.get("feedback-1", options: GetOptions(revs: true))
        #expect(serverCopy["_rev"] == .string(written.rev.description))
        _ = try await local.bulkDocs([serverCopy], newEdits: false)
        #expect(try await local.allDocs().rows.compactMap(\.id).contains("feedback-1") == false)
    }
}

/// An API never called.
private struct NoAPI: CHTReplicationAPI {
    func getIDs() async throws -> CHTGetIDsResponse { throw PouchError.notFound() }
    func getDeletes(_ ids: [String]) async throws -> [String] { throw PouchError.notFound() }
}

@Suite struct CHTMetaSyncTests {
    @Test func metaSyncsBothWaysThenDropsFeedbackLocallyOnly() async throws {
        let local = try Database.inMemory(name: "meta")
        let server = try Database.inMemory(name: CHTRules.metaDatabaseName(for: "chw1"))
        try await local.put(["_id": "feedback-1", "type": "feedback", "info": ["message": "x"]])
        try await local.put(["_id": "read:report:r1"])
        try await server.put(["_id": "read:message:m1"])
        let sync = CHTSync(
            medic: local, remoteMedic: server, api: NoMetaAPI(), meta: local, remoteMeta: server)

        let result = try await sync.syncMeta()
        #expect(result.uploaded == 2)
        #expect(result.downloaded >= 1)
        #expect(result.removed == ["feedback-1"])
        let localIDs = Set(try await local.allDocs().rows.compactMap(\.id))
        #expect(localIDs == ["read:message:m1", "read:report:r1"])
        let serverIDs = Set(try await server.allDocs().rows.compactMap(\.id))
        #expect(serverIDs == ["feedback-1", "read:message:m1", "read:report:r1"])

        // A second sync must not carry the local removal to the server.
        _ = try await sync.syncMeta()
        #expect(try await server.get("feedback-1")["type"] == "feedback")
    }
}

/// An API never called.
private struct NoMetaAPI: CHTReplicationAPI {
    func getIDs() async throws -> CHTGetIDsResponse { throw PouchError.notFound() }
    func getDeletes(_ ids: [String]) async throws -> [String] { throw PouchError.notFound() }
}
