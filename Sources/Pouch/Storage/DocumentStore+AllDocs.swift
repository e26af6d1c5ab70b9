extension DocumentStore {
    /// After CouchDB's `_all_docs`: live documents by id in raw UTF-8 byte
    /// order (SQLite's BINARY collation), or exactly `keys`.
    func allDocs(_ options: AllDocsOptions) throws(PouchError) -> AllDocsResponse {
        let counters = try counters()
        if let keys = options.keys {
            // CouchDB answers `offset` and `update_seq` null with `keys`.
            let rows = try rows(forKeys: keys, options: options)
            return AllDocsResponse(totalRows: counters.docCount, offset: 0, rows: rows)
        }
        let updateSeq: JSON? = options.updateSeq ? .int(counters.updateSeq) : nil
        if let start = options.startKey, let end = options.endKey,
            options.descending
                ? start.utf8.lexicographicallyPrecedes(end.utf8)
                : end.utf8.lexicographicallyPrecedes(start.utf8)
        {
            throw PouchError(
                .init("query_parse_error"),
                "No rows can match your key range, reverse your start_key and end_key "
                    + "or set descending=true", status: 400)
        }
        let (rows, offset) = try rangeRows(options)
        return AllDocsResponse(
            totalRows: counters.docCount, offset: min(offset, counters.docCount), rows: rows,
            updateSeq: updateSeq)
    }

    private func rangeRows(
        _ options: AllDocsOptions
    ) throws(PouchError)
        -> (rows: [AllDocsRow], offset: Int)
    {
        let ascending = !options.descending
        var conditions = ["deleted = 0"]
        var values: [String] = []
        if let start = options.startKey {
            conditions.append(ascending ? "id >= ?" : "id <= ?")
            values.append(start)
        }
        if let end = options.endKey {
            let inclusive = options.inclusiveEnd
            conditions.append(
                ascending ? (inclusive ? "id <= ?" : "id < ?") : (inclusive ? "id >= ?" : "id > ?"))
            values.append(end)
        }
        let sql =
            "SELECT id, seq, winner, tree FROM docs WHERE "
            + conditions.joined(separator: " AND ")
            + " ORDER BY id \(ascending ? "ASC" : "DESC") LIMIT ? OFFSET ?"
        let statement = try connection.statement(sql)
        defer { statement.reset() }
        for (index, value) in values.enumerated() { try statement.bind(Int32(index + 1), value) }
        try statement.bind(Int32(values.count + 1), options.limit ?? -1)
        try statement.bind(Int32(values.count + 2), max(options.skip, 0))
        var rows: [AllDocsRow] = []
        while try statement.step() {
            rows.append(try rangeRow(statement, options: options))
        }
        let before = try options.startKey.map { start throws(PouchError) in
            try countLive(ascending ? "id < ?" : "id > ?", start)
        }
        return (rows, (before ?? 0) + max(options.skip, 0))
    }

    private func rangeRow(
        _ statement: Statement, options: AllDocsOptions
    ) throws(PouchError)
        -> AllDocsRow
    {
        let id = statement.string(0)
        let rev = RevisionID(statement.string(2))
        var row = AllDocsRow(id: id, key: id, rev: rev)
        if options.includeDocs, let rev {
            let tree = try RevisionTree(encoded: statement.bytes(3) ?? [])
            let doc = DocumentRecord(id: id, seq: statement.int64(1), tree: tree)
            row.doc = try render(doc, rev: rev, options: includedDocOptions(options))
        }
        return row
    }

    private func countLive(_ condition: String, _ value: String) throws(PouchError) -> Int {
        let statement = try connection.statement(
            "SELECT count(*) FROM docs WHERE deleted = 0 AND \(condition)")
        defer { statement.reset() }
        try statement.bind(1, value)
        _ = try statement.step()
        return statement.int(0)
    }

    private func includedDocOptions(_ options: AllDocsOptions) -> GetOptions {
        GetOptions(conflicts: options.conflicts, attachments: options.attachments)
    }

    /// One row per key, in order (reversed when `descending`, then cut by
    /// `skip` and `limit`, as CouchDB's fabric does): live, deleted
    /// (`value.deleted`, no doc) or `not_found`.
    private func rows(
        forKeys keys: [String], options: AllDocsOptions
    ) throws(PouchError)
        -> [AllDocsRow]
    {
        let ordered = options.descending ? Array(keys.reversed()) : keys
        var rows: [AllDocsRow] = []
        for key in ordered.dropFirst(max(options.skip, 0)) {
            if let limit = options.limit, rows.count >= limit { break }
            guard !DocumentID.isLocal(key), let doc = try document(key), let winner = doc.winner
            else {
                rows.append(AllDocsRow(id: nil, key: key, error: "not_found"))
                continue
            }
            var row = AllDocsRow(
                id: key, key: key, rev: winner, isDeleted: doc.tree.isDeleted(winner))
            if options.includeDocs, !row.isDeleted {
                row.doc = try render(doc, rev: winner, options: includedDocOptions(options))
            }
            rows.append(row)
        }
        return rows
    }
}
