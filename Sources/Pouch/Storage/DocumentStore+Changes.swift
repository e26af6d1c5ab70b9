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
        var rows = try changedDocuments(options, since: since)
        defer { rows.finish() }
        var results: [Change] = []
        var limited = false
        while let doc = try rows.next() {
            if let limit = options.limit, results.count >= limit {
                limited = true
                break
            }
            if let change = try change(of: doc, options: options, matches: matches) {
                results.append(change)
            }
            // As CouchDB, a batch that reached its limit ends at its last row.
            if let limit = options.limit, results.count >= limit {
                limited = true
                break
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
        let pending = try pendingCount(after: lastSeq, ascending: ascending, current: current)
        return ChangesResponse(results: results, lastSeq: last, pending: pending)
    }

    /// How many documents changed after `lastSeq` (before it, descending).
    ///
    /// Counting walks every such row, so a paged feed (a replication) would
    /// count the rest of the database for each page. Up to
    /// `exactPendingLimit` rows are counted; past that, the answer is the
    /// number of sequences left.
    // Limitation: above 100 remaining changes, `pending` is the number of
    // sequences left, an upper bound that also counts older changes of
    // documents changed again since; CouchDB counts them exactly.
    private func pendingCount(
        after lastSeq: Int64, ascending: Bool, current: Int64
    ) throws(PouchError) -> Int {
        let limit = DocumentStore.exactPendingLimit
        let condition = ascending ? "seq > ?" : "seq < ?"
        let statement = try connection.statement(
            "SELECT count(*) FROM (SELECT 1 FROM docs WHERE \(condition) LIMIT \(limit + 1))")
        defer { statement.reset() }
        try statement.bind(1, lastSeq)
        _ = try statement.step()
        let counted = statement.int(0)
        guard counted > limit else { return counted }
        return max(counted, Int(ascending ? current - lastSeq : lastSeq - 1))
    }

    /// Up to how many remaining changes `pending` is counted exactly.
    static let exactPendingLimit = 100

    private func change(
        of doc: DocumentRecord, options: ChangesOptions,
        matches: (Change, () throws -> JSON) throws -> Bool
    ) throws -> Change? {
        let (id, tree) = (doc.id, doc.tree)
        guard let winner = doc.winner else { return nil }
        var change = Change(
            id: id, seq: .int(doc.seq),
            changes: options.style == .allDocs ? tree.leaves : [winner],
            isDeleted: tree.isDeleted(winner))
        // Without these filters every change matches: no body is read.
        if case .none = options.filter, !options.includeDocs { return change }
        if case .docIDs = options.filter, !options.includeDocs { return change }
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

/// The documents a changes batch walks, in sequence order: a scan of the
/// sequence index, or (for a `doc_ids` filter) a lookup of each id.
struct ChangedDocuments {
    private let statement: Statement?
    private var listed: IndexingIterator<[DocumentRecord]>

    init(scanning statement: Statement) {
        self.statement = statement
        self.listed = [].makeIterator()
    }

    init(listing documents: [DocumentRecord]) {
        self.statement = nil
        self.listed = documents.makeIterator()
    }

    /// Ends a scan, releasing its read snapshot.
    func finish() {
        statement?.reset()
    }

    mutating func next() throws(PouchError) -> DocumentRecord? {
        guard let statement else { return listed.next() }
        guard try statement.step() else { return nil }
        let tree = try RevisionTree(encoded: statement.bytes(2) ?? [])
        return DocumentRecord(id: statement.string(0), seq: statement.int64(1), tree: tree)
    }
}

extension DocumentStore {
    /// The rows of a changes batch; the caller calls `finish()` after.
    func changedDocuments(
        _ options: ChangesOptions, since: Int64
    ) throws(PouchError) -> ChangedDocuments {
        let ascending = !options.descending
        if case .docIDs(let ids) = options.filter {
            var documents: [DocumentRecord] = []
            for id in Set(ids) {
                guard let doc = try document(id), !ascending || doc.seq > since else { continue }
                documents.append(doc)
            }
            documents.sort { ascending ? $0.seq < $1.seq : $0.seq > $1.seq }
            return ChangedDocuments(listing: documents)
        }
        let sql =
            ascending
            ? "SELECT id, seq, tree FROM docs WHERE seq > ? ORDER BY seq ASC"
            : "SELECT id, seq, tree FROM docs ORDER BY seq DESC"
        let statement = try connection.statement(sql)
        statement.reset()
        if ascending { try statement.bind(1, since) }
        return ChangedDocuments(scanning: statement)
    }
}
