extension Database {
    /// The winning revision of a document, or the revision `options.rev`,
    /// after CouchDB's `GET /db/doc` and all its options.
    ///
    /// Throws `not_found` with reason `missing` (never stored, or that
    /// revision's body is not held) or `deleted` (the winner is a tombstone).
    /// A `_local/` id reads the local document.
    public func get(_ id: String, options: GetOptions) async throws -> JSON {
        if DocumentID.isLocal(id) {
            guard let doc = try await localDocument(id) else {
                throw PouchError.notFound("missing")
            }
            return doc
        }
        return try await read(short: true) { store in try store.get(id, options: options) }
    }

    /// The JSON text of `get(id, options:)`, made around the stored body
    /// bytes without parsing them, for servers that send it as is.
    package func documentText(_ id: String, options: GetOptions) async throws -> [UInt8] {
        if DocumentID.isLocal(id) { return try await get(id, options: options).serializedBytes() }
        return try await read(short: true) { store in
            try store.getText(id, options: options)
        }
    }

    /// The winning revision of a document.
    public func get(_ id: String) async throws -> JSON {
        try await get(id, options: GetOptions())
    }

    /// Every live document, without bodies.
    public func allDocs() async throws -> AllDocsResponse {
        try await allDocs(AllDocsOptions())
    }

    /// Several revisions of a document at once, after CouchDB's `open_revs`:
    /// `.all` gives every leaf (deleted ones too) and throws `not_found` for
    /// an unknown document; a list gives each revision or `.missing`, and
    /// with `options.latest` each one's newest leaf descendants.
    public func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) async throws -> [OpenRevisionResult] {
        try await read(short: true) { store in
            try store.openRevisions(id, revisions: revisions, options: options)
        }
    }

    /// Creates or updates a document, after CouchDB's `PUT /db/doc`: `_id`
    /// is required, `_rev` names the leaf being replaced (absent to create,
    /// or to write a deleted document again).
    ///
    /// Throws `conflict` (409) for a stale or missing `_rev` on a live
    /// document, and CouchDB's validation errors for bad ids and members.
    @discardableResult
    public func put(_ doc: JSON) async throws -> WriteResult {
        let incoming = try IncomingDocument(doc)
        guard incoming.id != nil else {
            throw PouchError(.init("missing_id"), "_id is required for puts", status: 412)
        }
        return try await writeOne(incoming)
    }

    /// Creates a document under a generated id (32 lowercase hex digits),
    /// after CouchDB's `POST /db`; a given `_id` is used as is.
    @discardableResult
    public func post(_ doc: JSON) async throws -> WriteResult {
        try await writeOne(IncomingDocument(doc))
    }

    /// Deletes a revision, leaving a tombstone, after CouchDB's
    /// `DELETE /db/doc?rev=`: `not_found` when the document was never
    /// stored, `conflict` when `rev` is not a leaf.
    @discardableResult
    public func remove(_ id: String, rev: RevisionID) async throws -> WriteResult {
        try DocumentID.validate(id)
        if DocumentID.isLocal(id) {
            try await removeLocalDocument(id, rev: rev)
            return WriteResult(id: id, rev: RevisionID(generation: 0, hash: "0"))
        }
        var incoming = try IncomingDocument(["_id": .string(id), "_deleted": true])
        incoming.rev = rev
        let doc = incoming
        return try await write { store in
            guard try store.document(id) != nil else { throw PouchError.notFound("missing") }
            return try store.writeEdits([doc]).first!.get()
        }
    }

    /// Writes documents in one transaction, after CouchDB's `_bulk_docs`.
    ///
    /// With `newEdits` every document gets a result in order: its new
    /// revision or its own error (`conflict`, `missing_stub`). Without, each
    /// document's `_rev` and `_revisions` history are merged into its tree
    /// as given (revisions already held change nothing) and only failures
    /// are answered. Invalid documents (bad id, member or rev) fail the
    /// whole call before anything is written.
    public func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        guard docs.count >= 2 * Database.preparedChunkSize else {
            let prepared = try PreparedBatch.prepare(docs[...], hashing: newEdits).get()
            return try await write { store in try store.bulkDocs(prepared, newEdits: newEdits) }
        }
        let batch = PreparedBatch(
            docs, chunkSize: Database.preparedChunkSize, hashing: newEdits)
        return try await write { store in
            try store.bulkDocs(chunks: batch.count, chunk: batch.chunk, newEdits: newEdits)
        }
    }

    /// Documents at given revisions with their histories, after CouchDB's
    /// `_bulk_get`.
    public func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        try await read(short: requests.count <= 100) { store in
            try store.bulkGet(requests, options: options)
        }
    }

    /// For each id, the given revisions this database lacks, after
    /// CouchDB's `_revs_diff`.
    public func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        try await read(short: revisions.count <= 100) { store in try store.revsDiff(revisions) }
    }

    /// Lists documents by id, after CouchDB's `_all_docs`: ids in raw UTF-8
    /// byte order, deleted documents only as `keys` rows, `_local`
    /// documents never.
    public func allDocs(_ options: AllDocsOptions) async throws -> AllDocsResponse {
        try await read { store in try store.allDocs(options) }
    }

    /// How many documents of a large bulk write are prepared together.
    static let preparedChunkSize = 50

    private func writeOne(_ doc: IncomingDocument) async throws -> WriteResult {
        try await write { store in try store.writeEdits([doc]).first!.get() }
    }
}

extension DocumentStore {
    /// Writes edits (new_edits=true) in one transaction, each answering its
    /// revision or its error.
    func writeEdits(
        _ docs: [IncomingDocument]
    ) throws(PouchError)
        -> [Result<WriteResult, PouchError>]
    {
        try bulkDocs(docs, newEdits: true).map { result in
            if let error = result.error { return .failure(error) }
            return .success(WriteResult(id: result.id, rev: result.rev!))
        }
    }
}
