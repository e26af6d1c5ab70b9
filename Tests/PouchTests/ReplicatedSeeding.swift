import Pouch
import Testing

extension ReplicationPeer {
    /// Stores revisions as a replicator would (`new_edits: false`) to set
    /// up a test, recording an issue for any document the peer refuses:
    /// CouchDB answers such a batch with no rows when every one is kept.
    func storeReplicated(
        _ docs: [JSON], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let errors = try await bulkDocs(docs, newEdits: false)
        #expect(errors.isEmpty, "refused: \(errors)", sourceLocation: sourceLocation)
    }
}
