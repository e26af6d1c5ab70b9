import CSQLite

/// One SQLite connection, used by one thread at a time.
///
/// Every result code SQLite returns passes through `check`, which turns a
/// failure into a `PouchError` (`storage_error`, status 500) whose `cause`
/// carries SQLite's code and message. Statements are prepared once per SQL
/// text and kept for the life of the connection.
final class Connection {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// The same statements keyed by where their SQL text is stored, so the
    /// constant SQL of hot paths is found without hashing the whole text.
    private var statementsByAddress: [Int: (sql: String, statement: Statement)] = [:]
    /// The background checkpointer of a file database's writer.
    var walCheckpointer: WALCheckpointer?

    /// Opens the database at `location`, a path or a `file:` URI, creating
    /// it when missing unless `creating` is false.
    init(location: String, creating: Bool = true) throws(PouchError) {
        var pointer: OpaquePointer?
        let flags =
            SQLITE_OPEN_READWRITE | (creating ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_URI
            | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(location, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(pointer)
            throw PouchError.storage(
                "cannot open the database", cause: "SQLite error \(code): \(message)")
        }
        handle = pointer
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 10_000)
        IndexKey.register(on: handle)
    }

    deinit {
        statementsByAddress.removeAll()
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Throws a `storage_error` unless `code` reports success.
    @discardableResult
    func check(_ code: Int32, _ action: @autoclosure () -> String) throws(PouchError) -> Int32 {
        switch code {
        case SQLITE_OK, SQLITE_ROW, SQLITE_DONE:
            return code
        default:
            let message = String(cString: sqlite3_errmsg(handle))
            Logger.storage.error("SQLite error \(code) while trying to \(action()): \(message)")
            throw PouchError.storage(
                "the database failed to \(action())", cause: "SQLite error \(code): \(message)")
        }
    }

    /// The statement for `sql`, prepared on first use and reused after.
    func statement(_ sql: String) throws(PouchError) -> Statement {
        let address = Connection.storageAddress(of: sql)
        // The address is only a hint: the text is compared too, which is
        // immediate when both strings share their storage.
        if let address, let entry = statementsByAddress[address], entry.sql == sql {
            return entry.statement
        }
        let statement: Statement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try Statement(connection: self, sql: sql)
            statements[sql] = statement
        }
        if let address { statementsByAddress[address] = (sql, statement) }
        return statement
    }

    /// Where a long string's UTF-8 text is stored (small strings live
    /// inline, so they have no stable address).
    private static func storageAddress(of sql: String) -> Int? {
        guard sql.utf8.count > 15 else { return nil }
        return sql.utf8.withContiguousStorageIfAvailable { buffer in
            Int(bitPattern: buffer.baseAddress)
        }
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(PouchError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), "run \(sql)")
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back
    /// when it throws. `immediate` takes the write lock at once.
    func transaction<T>(
        immediate: Bool, _ body: () throws(PouchError) -> T
    ) throws(PouchError) -> T {
        try statement(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED").run()
        do throws(PouchError) {
            let result = try body()
            try statement("COMMIT").run()
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// The first column of the first row of `sql`, as an integer.
    func integer(_ sql: String) throws(PouchError) -> Int64 {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }

    /// The schema version kept in `PRAGMA user_version`.
    var userVersion: Int {
        get throws(PouchError) { Int(try integer("PRAGMA user_version")) }
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

extension Connection {
    /// The rows the last statement changed.
    var changes: Int { Int(sqlite3_changes(handle)) }
}
