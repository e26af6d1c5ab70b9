import Pouch

/// Removes from a local meta database the feedback and telemetry documents
/// the server already holds, as CHT's client does after syncing
/// `medic-user-{name}-meta`.
///
/// Removal writes a purge tombstone over the local revision. Since the
/// server's revision is then an ancestor of the local tombstone, pulling
/// again brings nothing back, and the meta upload filter keeps the
/// tombstone from deleting the server's copy.
struct CHTMetaCleanup: Sendable {
    let local: any DocumentDatabase
    let remote: any DocumentDatabase

    /// Removes what reached the server; returns the ids removed.
    func run() async throws -> [String] {
        let rows = try await local.allDocs(AllDocsOptions(includeDocs: true)).rows
        let candidates = rows.compactMap(\.doc).filter(CHTRules.isRemovedAfterUpload)
        guard !candidates.isEmpty else { return [] }

        let ids = candidates.compactMap { $0["_id"]?.stringValue }
        var serverRevisions: [String: String] = [:]
        for row in try await remote.allDocs(AllDocsOptions(keys: ids)).rows {
            guard let id = row.id, let rev = row.rev, !row.isDeleted else { continue }
            serverRevisions[id] = rev.description
        }
        let removable = CHTRules.metaDocumentsToRemove(
            local: candidates, serverRevisions: serverRevisions)
        guard !removable.isEmpty else { return [] }

        let tombstones = removable.compactMap { id in
            serverRevisions[id].map { CHTRules.purgeTombstone(id: id, rev: $0) }
        }
        let results = try await local.bulkDocs(tombstones, newEdits: true)
        let failed = Set(results.filter { $0.error != nil }.map(\.id))
        return removable.filter { !failed.contains($0) }
    }
}
