extension Database {
    /// `bulkGet` for a replication: with `asText`, each revision found is
    /// its JSON text made around the stored body without parsing it, the
    /// same document `bulkGet` answers (see `DocumentStore.bulkGetText`).
    public func bulkGetForReplication(
        _ requests: [BulkGetRequest], options: BulkGetOptions, asText: Bool
    ) async throws -> [ReplicatedRevision] {
        try await read(short: requests.count <= 100) { store in
            if asText {
                return try store.bulkGetText(requests, options: options).flatMap(\.revisions)
            }
            return try store.bulkGet(requests, options: options).flatMap(\.replicatedRevisions)
        }
    }

    /// `bulkGet` with each revision found as its JSON text, made around the
    /// stored body without parsing it, for a server to send as it is.
    package func bulkGetText(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetTextResult] {
        try await read(short: requests.count <= 100) { store in
            try store.bulkGetText(requests, options: options)
        }
    }
}
