import Synchronization

/// A Mango index as the store keeps it: its row number in `mango_indexes`
/// and its partial filter, parsed.
struct StoredIndex: Sendable {
    var number: Int64
    var index: MangoIndex
    var partialFilter: MangoSelector?
    /// The paths of the index's fields.
    var paths: [FieldPath]
}

/// Mango JSON indexes as SQLite indexes: `mango_indexes` lists the indexes
/// the live `language: "query"` design documents define, `mango_entries`
/// holds one row per indexed document and index, keyed by `IndexKey`, kept
/// in the transaction of every write.
extension DocumentStore {
    /// The indexes, by design document and name.
    func mangoIndexes() throws(PouchError) -> [StoredIndex] {
        let statement = try connection.statement(
            "SELECT idx, def FROM mango_indexes ORDER BY ddoc, name")
        defer { statement.reset() }
        var result: [StoredIndex] = []
        while try statement.step() {
            if let stored = StoredIndexCache.index(statement.int64(0), text: statement.string(1)) {
                result.append(stored)
            }
        }
        return result
    }

    /// Brings the entries of one document up to date after a write: its
    /// winning revision indexed in every index whose fields it has (and
    /// whose partial filter it matches); for a design document, the
    /// indexes it defines rebuilt.
    func indexDocument(_ record: DocumentRecord) throws(PouchError) {
        if record.id.hasPrefix("_design/") {
            try refreshIndexes(ddoc: record.id, definedBy: winningBody(record))
            return
        }
        let indexes = try indexesForWrite()
        guard !indexes.isEmpty else { return }
        try removeEntries(ofDocument: record.id)
        guard let body = try winningBody(record) else { return }
        let insert = try insertStatement()
        for stored in indexes {
            try insertEntry(stored, id: record.id, body: body, using: insert)
        }
    }

    /// The Mango indexes, read once per write transaction.
    private func indexesForWrite() throws(PouchError) -> [StoredIndex] {
        if let indexes = indexesInWrite { return indexes }
        let indexes = try mangoIndexes()
        indexesInWrite = indexes
        return indexes
    }

    /// Removes a document from every index, before it is purged.
    func unindexDocument(_ record: DocumentRecord) throws(PouchError) {
        if record.id.hasPrefix("_design/") {
            try refreshIndexes(ddoc: record.id, definedBy: nil)
        } else {
            try removeEntries(ofDocument: record.id)
        }
    }

    /// The winning revision's body with `_id` and `_rev`, or `nil` when the
    /// winner is deleted or its body is not held.
    private func winningBody(_ record: DocumentRecord) throws(PouchError) -> JSON? {
        guard let winner = record.winner, !record.isDeleted,
            let bytes = try revision(winner, of: record)?.body,
            case .object(let members)? = try? JSON(parsing: bytes)
        else { return nil }
        var object = JSONObject()
        object.appendUnchecked("_id", .string(record.id))
        object.appendUnchecked("_rev", .string(winner.description))
        for (key, value) in members { object.appendUnchecked(key, value) }
        return .object(object)
    }

    private func removeEntries(ofDocument id: String) throws(PouchError) {
        let statement = try connection.statement("DELETE FROM mango_entries WHERE id = ?")
        try statement.bind(1, id)
        try statement.run()
    }

    private func insertStatement() throws(PouchError) -> Statement {
        try connection.statement(
            "INSERT OR REPLACE INTO mango_entries (idx, key, id) VALUES (?, ?, ?)")
    }

    private func insertEntry(
        _ stored: StoredIndex, id: String, body: JSON, using statement: Statement
    ) throws(PouchError) {
        if let filter = stored.partialFilter, !filter.matches(body) { return }
        var values: [JSON] = []
        values.reserveCapacity(stored.paths.count)
        for path in stored.paths {
            guard let value = path.value(in: body) else { return }
            values.append(value)
        }
        try statement.bind(1, stored.number)
        try statement.bind(2, text: IndexKey.entry(values, id: id))
        try statement.bind(3, id)
        try statement.run()
    }

    /// Makes `mango_indexes` list exactly the indexes the design document
    /// `ddoc` now defines, dropping changed ones and building new ones.
    private func refreshIndexes(ddoc: String, definedBy body: JSON?) throws(PouchError) {
        let wanted = body.map(MangoIndex.indexes(inDesignDocument:)) ?? []
        let held = try mangoIndexes().filter { $0.index.ddoc == ddoc }
        for stored in held where !wanted.contains(stored.index) {
            try dropIndex(stored.number)
        }
        for index in wanted where !held.contains(where: { $0.index == index }) {
            try buildIndex(index)
        }
    }

    private func dropIndex(_ number: Int64) throws(PouchError) {
        indexesInWrite = nil
        for sql in [
            "DELETE FROM mango_entries WHERE idx = ?", "DELETE FROM mango_indexes WHERE idx = ?",
        ] {
            let statement = try connection.statement(sql)
            try statement.bind(1, number)
            try statement.run()
        }
    }

    /// Adds an index and indexes every live document.
    private func buildIndex(_ index: MangoIndex) throws(PouchError) {
        indexesInWrite = nil
        let add = try connection.statement(
            "INSERT INTO mango_indexes (ddoc, name, def) VALUES (?, ?, ?)")
        try add.bind(1, index.ddoc)
        try add.bind(2, index.name)
        try add.bind(3, index.info.json.serialized())
        try add.run()
        let number = connection.lastInsertedRowID
        guard let stored = StoredIndexCache.index(number, text: index.info.json.serialized()) else {
            return
        }
        let documents = try connection.statement(
            """
            SELECT id, winner, body FROM docs
            WHERE deleted = 0 AND body IS NOT NULL AND substr(id, 1, 8) != '_design/'
            """)
        defer { documents.reset() }
        let insert = try insertStatement()
        while try documents.step() {
            guard case .object(let members)? = try? JSON(parsing: documents.bytes(2) ?? []) else {
                continue
            }
            let id = documents.string(0)
            var object: JSONObject = ["_id": .string(id)]
            object.appendUnchecked("_rev", .string(documents.string(1)))
            for (key, value) in members { object.appendUnchecked(key, value) }
            try insertEntry(stored, id: id, body: .object(object), using: insert)
        }
    }
}

/// Parsed index definitions by their stored text, so a write does not
/// parse them again.
enum StoredIndexCache {
    private static let cache = Mutex<[String: StoredIndex]>([:])

    static func index(_ number: Int64, text: String) -> StoredIndex? {
        let key = "\(number) \(text)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let json = try? JSON(parsing: text), let info = try? IndexInfo(json: json),
            let ddoc = info.ddoc
        else { return nil }
        let index = MangoIndex(
            ddoc: ddoc, name: info.name, fields: info.fields,
            partialFilterSelector: info.partialFilterSelector)
        let filter = info.partialFilterSelector.flatMap { try? MangoSelector($0) }
        guard
            let paths = try? index.fields.map({ field throws(PouchError) in
                try FieldPath(field.field)
            })
        else { return nil }
        let stored = StoredIndex(number: number, index: index, partialFilter: filter, paths: paths)
        cache.withLock { $0[key] = stored }
        return stored
    }
}
