import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTSyncUploadTests {
    /// The server's medic holding `Hierarchy`, and chw1's local copy after
    /// a first download.
    static func downloadedForCHW1() async throws -> (Database, Database, CHTSync) {
        let server = try Database.inMemory(name: "medic")
        _ = try await server.bulkDocs(Hierarchy.all, newEdits: true)
        let service = CHTReplicationService(medic: server)
        let local = try Database.inMemory(name: "local")
        let sync = CHTSync(
            medic: local, remoteMedic: CHTUserMedicPeer(service: service, user: Hierarchy.chw1),
            api: service.api(for: Hierarchy.chw1))
        _ = try await sync.download()
        return (server, local, sync)
    }

    @Test func uploadStoresAllowedChangesAndReportsForbiddenOnes() async throws {
        let (server, local, sync) = try await Self.downloadedForCHW1()

        // An edit and a new person in the facility; a report about a person
        // in another facility; a local edit of a form, which stays local.
        var p1 = try await local.get("P1")
        p1["phone"] = "+254700000001"
        try await local.put(p1)
        try await local.put([
            "_id": "NEW", "type": "person", "parent": Hierarchy.lineage("H1", "HC1", "D1"),
        ])
        try await local.put([
            "_id": "R-bad", "type": "data_record", "form": "f", "fields": ["patient_uuid": "P3"],
            "contact": Hierarchy.byCHW1,
        ])
        var form = try await local.get("form:pregnancy")
        form["title"] = "changed locally"
        try await local.put(form)

        let (uploaded, forbidden, failed) = try await sync.upload()
        #expect(uploaded == 2)
        #expect(forbidden == ["R-bad": "Insufficient privileges"])
        // A denial is CHT's rule at work, not a failure.
        #expect(failed == 0)
        #expect(try await server.get("P1")["phone"] == "+254700000001")
        #expect(try await server.get("NEW")["type"] == "person")
        await #expect(throws: PouchError.self) { try await server.get("R-bad") }
        #expect(try await server.get("form:pregnancy")["title"] == nil)
    }

    @Test func purgeTombstonesAreNeverUploaded() async throws {
        let (server, _, sync) = try await Self.downloadedForCHW1()

        // P2 moves away on the server: the local copy gets a purge tombstone.
        var moved = try await server.get("P2")
        moved["parent"] = Hierarchy.lineage("H2", "HC2", "D1")
        try await server.put(moved)
        let report = try await sync.run()
        #expect(report.purged.contains("P2"))
        #expect(report.uploaded == 0)
        // The next upload skips the tombstone.
        #expect(try await sync.upload().uploaded == 0)
        // The server's P2 is alive and still where the server put it.
        #expect(try await server.get("P2")["parent"]?["_id"] == "H2")
    }

    @Test func theUsersPeerRefusesToReadOtherFacilities() async throws {
        let server = try Database.inMemory(name: "medic")
        _ = try await server.bulkDocs(Hierarchy.all, newEdits: true)
        let peer = CHTUserMedicPeer(
            service: CHTReplicationService(medic: server), user: Hierarchy.chw1)
        let results = try await peer.bulkGet(
            [BulkGetRequest(id: "P1"), BulkGetRequest(id: "P3")], options: BulkGetOptions())
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0.docs) })
        if case .ok(let document)? = byID["P1"]?.first {
            #expect(document["_id"] == "P1")
        } else {
            Issue.record("P1 should be readable")
        }
        // CHT's `_bulk_get` keeps no revision of a document the user may not
        // hold (the server then leaves the result out).
        #expect(results.map(\.id) == ["P1", "P3"])
        #expect(byID["P3"]?.isEmpty == true)
    }
}
