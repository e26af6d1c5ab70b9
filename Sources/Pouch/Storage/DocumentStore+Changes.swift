extension DocumentStore {
    /// One batch of the changes feed, after CouchDB's `GET /db/_changes`:
    /// a row per document at its latest sequence, in sequence order.
    ///
    /// `last_seq` is the last row's sequence when `limit` cut the batch,
    /// else the database's sequence; `pending` counts the changes after
    /// the batch whatever the filter, as CouchDB does.
    func changes(
        _ options: ChangesOptions, since: Int64?,
        matches: (Change, () throws -> JSON) throws -> Bool
    ) throws -> ChangesResponse {
        let current = try counters().updateSeq
        guard let since else {
            return ChangesResponse(results: [], lastSeq: .int(current), pending: 0)
        }
        let ascending = !options.descending
        let sql =
            ascending
            ? "SELECT doc, id, seq, tree FROM docs WHERE seq > ? ORDER BY seq ASC"
            : "SELECT doc, id, seq, tree FROM docs ORDER BY seq DESC"
        let statement = try connection.statement(sql)
        defer { statement.reset() }
        if ascending { try statement.bind(1, since) }
        var results: [Change] = []
        var limited = false
        while try statement.step() {
            if let limit = options.limit, results.count >= limit {
                limited = true
                break
            }
            if let change = try change(from: statement, options: options, matches: matches) {
                results.append(change)
            }
        }
        return try finish(results, limited: limited, ascending: ascending, current: current)
    }

    private func finish(
        _ results: [Change], limited: Bool, ascending: Bool, current: Int64
    ) throws(PouchError) -> ChangesResponse {
        guard limited, let last = results.last?.seq, case .int(let lastSeq) = last else {
            let lastSeq =
                ascending
                ? current : (results.last.flatMap { $0.seq.intValue.map(Int64.init) } ?? 0)
            return ChangesResponse(results: results, lastSeq: .int(lastSeq), pending: 0)
        }
        let condition = ascending ? "seq > ?" : "seq < ?"
        let statement = try connection.statement("SELECT count(*) FROM docs WHERE \(condition)")
        defer { statement.reset() }
        try statement.bind(1, lastSeq)
        _ = try statement.step()
        return ChangesResponse(results: results, lastSeq: last, pending: statement.int(0))
    }

    private func change(
        from statement: Statement, options: ChangesOptions,
        matches: (Change, () throws -> JSON) throws -> Bool
    ) throws -> Change? {
        let id = statement.string(1)
        if case .docIDs(let ids) = options.filter, !ids.contains(id) { return nil }
        let tree = try RevisionTree(encoded: statement.bytes(3) ?? [])
        let doc = DocumentRecord(
            key: statement.int64(0), id: id, seq: statement.int64(2), tree: tree)
        guard let winner = doc.winner else { return nil }
        var change = Change(
            id: id, seq: .int(doc.seq),
            changes: options.style == .allDocs ? tree.leaves : [winner],
            isDeleted: tree.isDeleted(winner))
        var rendered: JSON?
        let body = { () throws -> JSON in
            if let rendered { return rendered }
            let options = GetOptions(conflicts: options.conflicts, attachments: options.attachments)
            let json = try self.render(doc, rev: winner, options: options) ?? .object(JSONObject())
            rendered = json
            return json
        }
        guard try matches(change, body) else { return nil }
        if options.includeDocs { change.doc = try body() }
        return change
    }
}
