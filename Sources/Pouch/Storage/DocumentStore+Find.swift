/// Reading the rows of a Mango query plan.
extension DocumentStore {
    /// Reads the rows of `plan` in its order, strictly after `after` (a
    /// bookmark's key), each with the winning revision rendered, until
    /// `visit` returns `false`.
    func scan(
        _ plan: QueryPlan, conflicts: Bool, after: JSON?, visit: (FindRow) -> Bool
    ) throws(PouchError) {
        switch plan.source {
        case .allDocs:
            try scanAllDocs(plan, conflicts: conflicts, after: after?.stringValue, visit: visit)
        case .index(let index):
            guard let stored = try mangoIndexes().first(where: { $0.index == index }) else {
                throw PouchError.notFound("missing")
            }
            try scanIndex(stored, plan, conflicts: conflicts, after: after, visit: visit)
        }
    }

    private func scanIndex(
        _ stored: StoredIndex, _ plan: QueryPlan, conflicts: Bool, after: JSON?,
        visit: (FindRow) -> Bool
    ) throws(PouchError) {
        let direction = plan.isDescending ? "DESC" : "ASC"
        let afterEntry = after.flatMap(IndexKey.entry(bookmark:))
        let afterCondition =
            afterEntry == nil ? "" : plan.isDescending ? " AND e.key < ?" : " AND e.key > ?"
        let statement = try connection.statement(
            """
            SELECT e.key, d.id, d.seq, d.tree FROM mango_entries e
            JOIN docs d ON d.id = e.id
            WHERE e.idx = ? AND e.key >= ? AND e.key <= ?\(afterCondition)
            ORDER BY e.key \(direction)
            """)
        defer { statement.reset() }
        try statement.bind(1, stored.number)
        try statement.bind(2, text: IndexKey.bound(plan.startKey, afterPrefix: false))
        try statement.bind(3, text: IndexKey.bound(plan.endKey, afterPrefix: true))
        if let afterEntry { try statement.bind(4, text: afterEntry) }
        while try statement.step() {
            let record = DocumentRecord(
                id: statement.string(1), seq: statement.int64(2),
                tree: try RevisionTree(encoded: statement.bytes(3) ?? []))
            guard let doc = try renderWinner(record, conflicts: conflicts) else { continue }
            let key = IndexKey.bookmark(statement.bytes(0) ?? [])
            if !visit(FindRow(key: key, id: record.id, doc: doc)) { return }
        }
    }

    private func scanAllDocs(
        _ plan: QueryPlan, conflicts: Bool, after: String?, visit: (FindRow) -> Bool
    ) throws(PouchError) {
        var conditions = ["deleted = 0"]
        var values: [String] = []
        if let start = plan.startID {
            conditions.append("id >= ?")
            values.append(start)
        }
        if let end = plan.endID {
            conditions.append("id <= ?")
            values.append(end)
        }
        if let after {
            conditions.append(plan.isDescending ? "id < ?" : "id > ?")
            values.append(after)
        }
        let statement = try connection.statement(
            "SELECT id, seq, tree FROM docs WHERE " + conditions.joined(separator: " AND ")
                + " ORDER BY id " + (plan.isDescending ? "DESC" : "ASC"))
        defer { statement.reset() }
        for (index, value) in values.enumerated() { try statement.bind(Int32(index + 1), value) }
        while try statement.step() {
            let record = DocumentRecord(
                id: statement.string(0), seq: statement.int64(1),
                tree: try RevisionTree(encoded: statement.bytes(2) ?? []))
            guard let doc = try renderWinner(record, conflicts: conflicts) else { continue }
            if !visit(FindRow(key: .string(record.id), id: record.id, doc: doc)) { return }
        }
    }

    private func renderWinner(_ record: DocumentRecord, conflicts: Bool) throws(PouchError) -> JSON?
    {
        guard let winner = record.winner else { return nil }
        var options = GetOptions()
        options.conflicts = conflicts
        return try render(record, rev: winner, options: options)
    }
}
