import Pouch

/// The download half of CHT's offline sync: fetch exactly the documents
/// the server lists for the user, then mark what left the list.
struct CHTDownload: Sendable {
    /// The local `medic` database.
    let local: any DocumentDatabase
    /// The server's `medic` database.
    let remote: any ReplicationPeer
    /// The CHT API of the server.
    let api: any CHTReplicationAPI
    /// Documents per `_bulk_get` request (CHT uses 100).
    let batchSize: Int

    private static let logger = Logger("cht")

    /// Fetches every listed document the local database lacks at the
    /// listed revision, with revision history and attachments, and stores
    /// it with `new_edits: false`. Returns the list and how many were
    /// stored.
    ///
    /// Limitation: attachments are fetched whole each time a document
    /// changes (no `atts_since`), which costs bandwidth on documents with
    /// large attachments.
    func fetchListed() async throws -> (CHTGetIDsResponse, Int) {
        let list = try await api.getIDs()
        if list.warn {
            Self.logger.warning("server lists \(list.warnDocs) documents, past \(list.limit)")
        }
        var stored = 0
        var start = 0
        while start < list.docIDsRevs.count {
            let end = min(start + batchSize, list.docIDsRevs.count)
            stored += try await fetchBatch(Array(list.docIDsRevs[start..<end]))
            start = end
        }
        return (list, stored)
    }

    /// Fetches and stores one batch; returns how many documents it stored.
    private func fetchBatch(_ batch: [CHTDocumentRevision]) async throws -> Int {
        var asked: [String: [RevisionID]] = [:]
        for row in batch {
            guard let rev = RevisionID(row.rev) else { continue }
            asked[row.id] = [rev]
        }
        let diff = try await local.revsDiff(asked)
        let requests = batch.compactMap { row -> BulkGetRequest? in
            guard let missing = diff[row.id]?.missing.first else { return nil }
            return BulkGetRequest(id: row.id, rev: missing)
        }
        guard !requests.isEmpty else { return 0 }

        let options = BulkGetOptions(revs: true, attachments: true)
        var documents: [JSON] = []
        for result in try await remote.bulkGet(requests, options: options) {
            for item in result.docs {
                switch item {
                case .ok(let document): documents.append(document)
                case .error(let id, _, let error):
                    Self.logger.warning("cannot fetch \(id): \(error)")
                }
            }
        }
        let failures = try await local.bulkDocs(documents, newEdits: false)
        for failure in failures where failure.error != nil {
            Self.logger.warning("cannot store \(failure.id): \(failure.error!)")
        }
        return documents.count - failures.count { $0.error != nil }
    }

    /// Asks the server about local documents missing from `list` and writes
    /// a purge tombstone (`{"_deleted": true, "purged": true}`) over each it
    /// names. Design documents stay: local indexes live there.
    func purgeUnlisted(_ list: CHTGetIDsResponse) async throws -> [String] {
        let listed = Set(list.docIDsRevs.map(\.id))
        var current: [String: RevisionID] = [:]
        for row in try await local.allDocs().rows {
            guard let id = row.id, let rev = row.rev, !row.isDeleted else { continue }
            if !listed.contains(id), !id.hasPrefix("_design/") { current[id] = rev }
        }
        guard !current.isEmpty else { return [] }

        var named: [String] = []
        let candidates = current.keys.sorted()
        for start in stride(from: 0, to: candidates.count, by: 500) {
            let slice = Array(candidates[start..<min(start + 500, candidates.count)])
            named += try await api.getDeletes(slice)
        }
        let tombstones = named.compactMap { id -> JSON? in
            current[id].map { CHTRules.purgeTombstone(id: id, rev: $0.description) }
        }
        guard !tombstones.isEmpty else { return [] }
        let results = try await local.bulkDocs(tombstones, newEdits: true)
        let failed = Set(results.filter { $0.error != nil }.map(\.id))
        return tombstones.compactMap { $0["_id"]?.stringValue }.filter { !failed.contains($0) }
    }
}
