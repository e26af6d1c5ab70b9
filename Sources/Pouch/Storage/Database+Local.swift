extension Database {
    /// A `_local` document with its `_id` and `_rev` (`0-N`), or `nil`.
    /// Local documents are never replicated and never appear in all docs,
    /// changes or revs diff, as in CouchDB.
    public func localDocument(_ id: String) async throws -> JSON? {
        try Self.requireLocal(id)
        return try await read(short: true) { store in try store.localDocument(id) }
    }

    /// Writes a `_local` document, after CouchDB 3: the new revision is
    /// `0-(N+1)` after a `_rev` of `0-N`, `0-1` without one.
    @discardableResult
    public func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        let incoming = try IncomingDocument(doc)
        guard let id = incoming.id, incoming.isLocal else { throw Self.notLocal }
        let rev = try await write { store in
            try store.write { () throws(PouchError) in try store.putLocal(incoming, id: id) }
        }
        return WriteResult(id: id, rev: rev)
    }

    /// Deletes a `_local` document; `not_found` `missing` when there is none.
    public func removeLocalDocument(_ id: String, rev: RevisionID) async throws {
        try Self.requireLocal(id)
        let removed = try await write { store in
            try store.write { () throws(PouchError) in try store.deleteLocal(id) }
        }
        guard removed else { throw PouchError.notFound("missing") }
    }

    /// Every `_local` document's id and revision in id order, after
    /// CouchDB's `_local_docs`.
    public func localDocuments() async throws -> [AllDocsRow] {
        try await read { store in
            try store.localDocuments().map { AllDocsRow(id: $0.id, key: $0.id, rev: $0.rev) }
        }
    }

    /// The error for an id outside `_local/` given to a `_local` call.
    static let notLocal = PouchError.badRequest("A local document id must start with _local/")

    /// Throws `notLocal` unless `id` is a `_local/` id.
    static func requireLocal(_ id: String) throws(PouchError) {
        guard DocumentID.isLocal(id) else { throw notLocal }
    }
}
