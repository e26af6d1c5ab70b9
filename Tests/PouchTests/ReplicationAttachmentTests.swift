import Foundation
import Pouch
import TestSupport
import Testing

/// Attachments travel with the revision that adds them, and only with it.
@Suite struct ReplicationAttachmentTests {
    static var factories: [ReplicaFactory] { [.sqlite, .localToHTTP, .httpToLocal] }

    @Test(arguments: factories)
    func attachmentsTravelOnlyWithTheRevisionThatAddsThem(
        _ factory: ReplicaFactory
    ) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        let bytes = Data("hello, attachment".utf8)
        let added = try await source.putAttachment(
            docID: "doc", name: "note.txt", rev: nil, data: bytes, contentType: "text/plain")
        let watched = FaultInjectingPeer(target)
        _ = try await Replicas.replicate(source, watched)

        var doc = try await source.get("doc")
        doc["title"] = "edited"
        try await source.put(doc)
        _ = try await Replicas.replicate(source, watched)

        let sent = watched.calls.filter { $0.method == .bulkDocs }.flatMap(\.docs)
        #expect(sent.count == 2)
        let first = sent[0]["_attachments"]?["note.txt"]
        #expect(first?["data"] == .string(bytes.base64EncodedString()))
        let second = sent[1]["_attachments"]?["note.txt"]
        #expect(second?["stub"] == true)
        #expect(second?["data"] == nil)

        let copy = try await target.getAttachment(docID: "doc", name: "note.txt", rev: nil)
        #expect(copy.data == bytes)
        #expect(copy.contentType == "text/plain")
        #expect(try await target.get("doc")["title"] == "edited")
        #expect(added.rev.generation == 1)
    }
}
