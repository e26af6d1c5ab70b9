extension DocumentStore {
    /// Writes a `_local` document, after CouchDB 3's local doc updates: the
    /// new revision is `0-(N+1)` for a `_rev` of `0-N` (`0-1` without one);
    /// `_deleted` removes it and answers `0-0`. Local documents have no
    /// history, sequence or tree.
    func putLocal(_ doc: IncomingDocument, id: String) throws(PouchError) -> RevisionID {
        if doc.isDeleted {
            try deleteLocal(id)
            return RevisionID(generation: 0, hash: "0")
        }
        let counter = (doc.localRev ?? 0) + 1
        let statement = try connection.statement(
            "INSERT OR REPLACE INTO local_docs (id, rev, body) VALUES (?, ?, ?)")
        try statement.bind(1, id)
        try statement.bind(2, counter)
        try statement.bind(3, text: doc.bodyBytes)
        try statement.run()
        return RevisionID(generation: 0, hash: String(counter))
    }

    /// The `_local` document `id` with `_id` and `_rev`, or `nil`.
    func localDocument(_ id: String) throws(PouchError) -> JSON? {
        let statement = try connection.statement(
            "SELECT rev, body FROM local_docs WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(1, id)
        guard try statement.step() else { return nil }
        var object = JSONObject()
        object.appendUnchecked("_id", .string(id))
        object.appendUnchecked("_rev", .string("0-\(statement.int(0))"))
        if let bytes = statement.bytes(1), case .object(let body)? = try? JSON(parsing: bytes) {
            for (key, value) in body { object.appendUnchecked(key, value) }
        }
        return .object(object)
    }

    /// Deletes a `_local` document; `false` when there was none.
    @discardableResult
    func deleteLocal(_ id: String) throws(PouchError) -> Bool {
        let statement = try connection.statement("DELETE FROM local_docs WHERE id = ?")
        try statement.bind(1, id)
        try statement.run()
        return connection.changes > 0
    }

    /// The `_local` documents with ids in the range, in byte order, after
    /// CouchDB's `_local_docs`.
    func localDocuments() throws(PouchError) -> [(id: String, rev: RevisionID)] {
        let statement = try connection.statement("SELECT id, rev FROM local_docs ORDER BY id")
        defer { statement.reset() }
        var rows: [(id: String, rev: RevisionID)] = []
        while try statement.step() {
            rows.append(
                (statement.string(0), RevisionID(generation: 0, hash: "\(statement.int(1))")))
        }
        return rows
    }
}
