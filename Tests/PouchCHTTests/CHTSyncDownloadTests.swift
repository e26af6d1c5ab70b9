import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTSyncDownloadTests {
    /// chw1's documents, as worked out in `CHTAccessRulesTests`.
    static let chw1Expected: Set<String> = Set(
        ["HC1", "H1", "CHW1", "P1", "P2", "P4", "R1", "R3", "R4", "R8"]
            + ["org.couchdb.user:chw1", "target~2024-01~P1~org.couchdb.user:chw1"]
            + ["task~org.couchdb.user:chw1~x"] + Hierarchy.everyone)

    func liveIDs(_ database: Database) async throws -> Set<String> {
        Set(try await database.allDocs().rows.compactMap(\.id))
    }

    @Test func downloadStoresExactlyTheListedDocumentsAtTheServersRevisions() async throws {
        let server = try Database.inMemory(name: "medic")
        _ = try await server.bulkDocs(Hierarchy.all, newEdits: true)
        let local = try Database.inMemory(name: "local")
        let service = CHTReplicationService(medic: server)
        let sync = CHTSync(
            medic: local, remoteMedic: server, api: service.api(for: Hierarchy.chw1),
            batchSize: 4)

        let report = try await sync.download()
        #expect(try await liveIDs(local) == Self.chw1Expected)
        #expect(report.downloaded == Self.chw1Expected.count)
        #expect(report.listed == Self.chw1Expected.count)
        #expect(report.purged.isEmpty)
        let serverP1 = try await server.get("P1")
        #expect(try await local.get("P1") == serverP1)

        // Nothing new: nothing fetched.
        #expect(try await sync.download().downloaded == 0)
    }

    @Test func documentsThatLeaveTheListGetPurgeTombstones() async throws {
        let server = try Database.inMemory(name: "medic")
        _ = try await server.bulkDocs(Hierarchy.all, newEdits: true)
        let local = try Database.inMemory(name: "local")
        let service = CHTReplicationService(medic: server)
        let sync = CHTSync(medic: local, remoteMedic: server, api: service.api(for: Hierarchy.chw1))
        _ = try await sync.download()
        // A local document the server never saw must stay.
        try await local.put(["_id": "draft", "type": "person", "parent": ["_id": "H1"]])

        // P2 moves to household H2 (taking R8, which is about P2); R1 is
        // deleted on the server.
        var moved = try await server.get("P2")
        moved["parent"] = Hierarchy.lineage("H2", "HC2", "D1")
        try await server.put(moved)
        let r1 = try await server.get("R1")
        try await server.remove("R1", rev: RevisionID(r1["_rev"]!.stringValue!)!)

        let report = try await sync.download()
        #expect(Set(report.purged) == ["P2", "R8", "R1"])
        #expect(
            try await liveIDs(local)
                == Self.chw1Expected.subtracting(["P2", "R8", "R1"]).union(["draft"]))

        let row = try await local.allDocs(AllDocsOptions(keys: ["P2"])).rows[0]
        #expect(row.isDeleted)
        let tombstone = try await local.get("P2", options: GetOptions(rev: row.rev))
        #expect(tombstone["purged"] == true)
        #expect(tombstone["_deleted"] == true)
        #expect(!CHTRules.shouldUpload(tombstone))
    }

    @Test func reportAttachmentsArriveWithTheDocument() async throws {
        let set = CHTDataGenerator.generate(docs: 200, seed: 3)
        let server = try Database.inMemory(name: "medic")
        _ = try await server.bulkDocs(set.documents, newEdits: true)
        let local = try Database.inMemory(name: "local")
        let user = set.users[0]
        let sync = CHTSync(
            medic: local, remoteMedic: server,
            api: CHTReplicationService(medic: server).api(for: user.context))
        _ = try await sync.download()

        let form = try await local.getAttachment(docID: "form:pregnancy", name: "xml", rev: nil)
        let original = try await server.getAttachment(
            docID: "form:pregnancy", name: "xml", rev: nil)
        #expect(form == original)
        #expect(String(decoding: form.data, as: UTF8.self).contains("<pregnancy id=\"pregnancy\">"))
    }
}
