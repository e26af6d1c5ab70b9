import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// Pouch's own replicator and HTTP client against the server: what a
/// replica pushes arrives with its revision histories, and pulls back
/// identically.
@Suite struct ReplicationOverHTTPTests {
    @Test func pushThenPullKeepsDocumentsRevisionsAndAttachments() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        let remote = RemoteDatabase(url: server.adminURL.appendingPathComponent("db"))

        let source = try Database.inMemory(name: "source")
        let first = try await source.put(["_id": "a", "v": 1])
        try await source.put(["_id": "a", "_rev": .string(first.rev.description), "v": 2])
        try await source.put(["_id": "b", "name": "été"])
        try await source.putAttachment(
            docID: "c", name: "note.txt", rev: nil, data: Data("hello".utf8),
            contentType: "text/plain")
        let pushed = try await Replication(source: source, target: remote).run()
        #expect(pushed.docsWritten == 3)

        let history = try await server.request("GET", "/db/a?revs=true").json
        #expect(history["v"] == 2)
        #expect(history["_revisions"]?["start"] == 2)
        #expect(try await server.request("GET", "/db/c/note.txt").text == "hello")

        let copy = try Database.inMemory(name: "copy")
        let pulled = try await Replication(source: remote, target: copy).run()
        #expect(pulled.docsWritten == 3)
        for id in ["a", "b", "c"] {
            let original = try await source.get(id, options: GetOptions(revs: true))
            #expect(try await copy.get(id, options: GetOptions(revs: true)) == original)
        }
    }
}
