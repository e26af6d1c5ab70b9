extension Database {
    /// `bulkGet` for a replication: with `asText`, each revision found is
    /// its JSON text made around the stored body without parsing it, the
    /// same document `bulkGet` answers (see `DocumentStore.bulkGetText`).
    public func bulkGetForReplication(
        _ requests: [BulkGetRequest], options: BulkGetOptions, asText: Bool
    ) async throws -> [ReplicatedRevision] {
        try await read(short: requests.count <= 100) { store in
            if asText { return try store.bulkGetText(requests, options: options) }
            return try store.bulkGet(requests, options: options).flatMap(\.replicatedRevisions)
        }
    }
}

extension BulkGetResult {
    /// The items, as a replication reads them.
    var replicatedRevisions: [ReplicatedRevision] {
        docs.map { item in
            switch item {
            case .ok(let doc): .found(.json(doc))
            case .error(let id, let rev, let error): .failed(id: id, rev: rev, error: error)
            }
        }
    }
}
