extension Database {
    /// How many revisions of history each document keeps, after CouchDB's
    /// `GET /db/_revs_limit` (1000 by default).
    public func revsLimit() async throws -> Int {
        try await read(short: true) { store in try store.counters().revsLimit }
    }

    /// Sets the revs limit, after CouchDB's `PUT /db/_revs_limit`; documents
    /// are stemmed to it when next written. A limit below 1 is `bad_request`.
    public func setRevsLimit(_ limit: Int) async throws {
        guard limit > 0 else { throw PouchError.badRequest("revs_limit must be positive") }
        try await write { store in try store.setRevsLimit(limit) }
    }

    /// How many purge records the database keeps, after CouchDB's
    /// `_purged_infos_limit` (1000 by default).
    public func purgedInfosLimit() async throws -> Int {
        try await read(short: true) { store in try store.counters().purgedInfosLimit }
    }

    /// Sets the purged infos limit, after CouchDB's
    /// `PUT /db/_purged_infos_limit`.
    ///
    /// Limitation: purge records themselves are not kept, so the limit is
    /// only stored and reported.
    public func setPurgedInfosLimit(_ limit: Int) async throws {
        guard limit > 0 else { throw PouchError.badRequest("purged_infos_limit must be positive") }
        try await write { store in try store.setPurgedInfosLimit(limit) }
    }

    /// Compacts the database, after CouchDB's `POST /db/_compact`: bodies
    /// of revisions that are not leaves are dropped (their place in each
    /// tree stays), and attachment bodies no kept revision uses are freed.
    ///
    /// - Complexity: O(revisions held).
    public func compact() async throws {
        try await write { store in try store.compact() }
    }

    /// Removes revisions as if never written, after CouchDB's `_purge`:
    /// each given leaf and the ancestors only it had; a document left with
    /// no leaf disappears. Answers the revisions purged per id (unknown
    /// ones are left out, as CouchDB does).
    @discardableResult
    public func purge(_ revisions: [String: [RevisionID]]) async throws -> [String: [RevisionID]] {
        try await write { store in try store.purge(revisions) }
    }
}

extension Database {
    /// The rows of SQLite's `PRAGMA integrity_check` on the database file,
    /// `["ok"]` when SQLite finds nothing wrong. Run on a connection that
    /// knows Pouch's collations, which the indexes need to be checked.
    package func integrityCheck() async throws -> [String] {
        try await read { store in
            let statement = try store.connection.statement("PRAGMA integrity_check")
            var rows: [String] = []
            while try statement.step() { rows.append(statement.string(0)) }
            return rows
        }
    }
}

extension Database {
    /// Copies the whole write-ahead log into the database file now, waiting
    /// for a background checkpoint in progress; a benchmark ends its timing
    /// with it, so no checkpoint work is left outside what it measures.
    package func checkpointLog() async throws {
        guard path != nil else { return }
        try await writer.run { store in
            try store.connection.execute("PRAGMA wal_checkpoint(FULL)")
        }
    }
}
