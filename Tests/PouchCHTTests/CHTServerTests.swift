import Foundation
import Pouch
import PouchServer
import Testing

@testable import PouchCHT

@Suite struct CHTServerTests {
    @Test func syncOverHTTPGetsTheUsersDocumentsAndIsRefusedForeignWrites() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let users = [
            CHTGeneratedUser(
                name: "chw1", password: "pw-one", roles: ["chw"], facilityID: "HC1",
                contactID: "CHW1")
        ]
        let cht = try await CHTServer.start(
            dataDirectory: URL(fileURLWithPath: folder.path + "/data"),
            admin: .init(name: "admin", password: "admin"), users: users,
            documents: Hierarchy.all)
        defer { cht.stop() }
        let local = try Database.inMemory(name: "medic")
        let meta = try Database.inMemory(name: "meta")
        try await meta.put(["_id": "feedback-1", "type": "feedback"])
        let sync = CHTSync(
            server: cht.url, username: "chw1", password: "pw-one", medic: local, meta: meta)

        var report = try await sync.run()
        let live = Set(try await local.allDocs().rows.compactMap(\.id))
        #expect(live == CHTSyncDownloadTests.chw1Expected)
        #expect(report.metaUploaded == 1)
        #expect(report.metaRemoved == ["feedback-1"])

        try await local.put([
            "_id": "R-bad", "type": "data_record", "form": "f", "fields": ["patient_uuid": "P3"],
            "contact": Hierarchy.byCHW1,
        ])
        report = try await sync.run()
        #expect(Array(report.forbidden.keys) == ["R-bad"])
        await #expect(throws: PouchError.self) { try await cht.service.medic.get("R-bad") }
    }

    @Test func getIDsNeedsALogin() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cht = try await CHTServer.start(
            dataDirectory: URL(fileURLWithPath: folder.path + "/data"),
            admin: .init(name: "admin", password: "admin"), users: [], documents: [])
        defer { cht.stop() }
        let client = CHTAPIClient(serverURL: cht.url, username: "nobody", password: "x")
        let error = await #expect(throws: PouchError.self) { try await client.getIDs() }
        #expect(error?.status == 401)
    }
}
