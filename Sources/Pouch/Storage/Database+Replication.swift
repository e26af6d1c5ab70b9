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

    /// A local database stores the text of a replicated document's body as
    /// it arrives (checked, not parsed into values): a replication to it
    /// asks its source for documents as text.
    public var acceptsDocumentText: Bool { true }

    /// Writes replicated documents as `bulkDocs(_:newEdits: false)` does; a
    /// `.text` document's body is stored as the text of its members, which
    /// are checked as JSON but not parsed into values and serialised again.
    /// Invalid documents fail the whole call before anything is written.
    public func bulkDocs(replicated docs: [ReplicatedDocument]) async throws -> [BulkDocsResult] {
        var prepared: [IncomingDocument] = []
        prepared.reserveCapacity(docs.count)
        for doc in docs {
            switch doc {
            case .json(let json):
                var incoming = try IncomingDocument(json)
                incoming.prepare(hashing: false)
                prepared.append(incoming)
            case .text(_, let bytes):
                prepared.append(try IncomingDocument(text: bytes))
            }
        }
        let batch = prepared
        return try await write { store in try store.bulkDocs(batch, newEdits: false) }
    }
}
