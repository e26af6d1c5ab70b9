import Foundation
import Pouch
import TestSupport
import Testing

/// The README's API tour, run as written against a loopback server, with
/// the outcomes CouchDB would give.
@Suite struct ReadmeTourTests {
    @Test func tourRunsAsWritten() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let db = try Database(path: directory.appendingPathComponent("people.sqlite").path)
        let written = try await db.put(["_id": "alice", "type": "person", "age": 31])
        #expect(written.rev.generation == 1)
        var alice = try await db.get("alice")
        alice["age"] = 32
        let second = try await db.put(alice)
        #expect(second.rev.generation == 2)

        let batch = try await db.changes(ChangesOptions(since: .start, includeDocs: true))
        #expect(batch.results.map(\.id) == ["alice"])
        #expect(batch.results.first?.doc?["age"] == 32)

        try await db.createIndex(IndexDefinition(fields: [SortField("age")]))
        _ = try await db.put(["_id": "bob", "type": "person", "age": 12])
        let adults = try await db.find(FindQuery(selector: ["age": ["$gte": 18]]))
        #expect(adults.docs.map { $0["_id"] } == ["alice"])

        let url = server.adminURL.appendingPathComponent("people")
        let remote = RemoteDatabase(url: url)
        try await remote.create()
        let result = try await Replication(source: db, target: remote).run()
        // alice, bob and the index's design document.
        #expect(result.docsWritten == 3)
        #expect(try await remote.get("alice")["_rev"] == .string(second.rev.description))
    }
}

/// The Swift example of Docs/Attachments.md, run as written.
@Suite struct AttachmentsPageExampleTests {
    @Test func exampleRunsAsWritten() async throws {
        let db = try Database.inMemory(name: "reports")
        let xml = Data("<form/>".utf8).base64EncodedString()
        let first = try await db.put([
            "_id": "report-1", "form": "pregnancy",
            "_attachments": [
                "content": ["content_type": "application/xml", "data": .string(xml)]
            ],
        ])
        let stub = try await db.get("report-1")["_attachments"]?["content"]
        // MD5 of "<form/>", base64: computed independently with md5sum.
        #expect(stub?["stub"] == true && stub?["length"] == 7 && stub?["revpos"] == 1)
        #expect(stub?["digest"] == "md5-6AXJXLQlb3gnErBHUcjufA==")
        let full = try await db.get("report-1", options: GetOptions(attachments: true))
        #expect(full["_attachments"]?["content"]?["data"] == .string(xml))

        let photo = Data([0xFF, 0xD8, 0xFF])
        let second = try await db.putAttachment(
            docID: "report-1", name: "photo.jpg", rev: first.rev, data: photo,
            contentType: "image/jpeg")
        let bytes = try await db.getAttachment(docID: "report-1", name: "photo.jpg", rev: nil)
        #expect(bytes.data == photo && bytes.contentType == "image/jpeg")
        try await db.removeAttachment(docID: "report-1", name: "photo.jpg", rev: second.rev)
        let after = try await db.get("report-1")
        #expect(after["_attachments"]?["photo.jpg"] == nil)
    }
}
