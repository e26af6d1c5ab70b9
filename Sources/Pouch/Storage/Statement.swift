import CSQLite

/// A prepared SQLite statement: bind parameters (numbered from 1), step
/// through rows, read columns (numbered from 0), reset for reuse.
final class Statement {
    let pointer: OpaquePointer
    private unowned let connection: Connection

    init(connection: Connection, sql: String) throws(PouchError) {
        var pointer: OpaquePointer?
        let flags = UInt32(SQLITE_PREPARE_PERSISTENT)
        try connection.check(
            sqlite3_prepare_v3(connection.handle, sql, -1, flags, &pointer, nil), "prepare \(sql)")
        guard let pointer else {
            throw PouchError.storage("the database failed to prepare an empty statement")
        }
        self.pointer = pointer
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(pointer)
    }

    // MARK: Binding

    func bind(_ index: Int32, _ value: Int64) throws(PouchError) {
        try connection.check(sqlite3_bind_int64(pointer, index, value), "bind an integer")
    }

    func bind(_ index: Int32, _ value: Int) throws(PouchError) {
        try bind(index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Bool) throws(PouchError) {
        try bind(index, Int64(value ? 1 : 0))
    }

    func bind(_ index: Int32, _ value: String) throws(PouchError) {
        var text = value
        let code = text.withUTF8 { buffer in
            bindText(index, UnsafeRawBufferPointer(buffer))
        }
        try connection.check(code, "bind a text")
    }

    /// Binds UTF-8 bytes as TEXT, so SQLite's JSON functions can read them.
    func bind(_ index: Int32, text bytes: [UInt8]) throws(PouchError) {
        let code = bytes.withUnsafeBytes { bindText(index, $0) }
        try connection.check(code, "bind a text")
    }

    func bind(_ index: Int32, blob bytes: [UInt8]) throws(PouchError) {
        let code = bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob64(
                pointer, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                sqlite3_uint64(buffer.count), sqliteTransient)
        }
        try connection.check(code, "bind a blob")
    }

    /// Binds a BLOB of `count` zero bytes that SQLite stores without
    /// building it in memory, to be filled in place by `writeBlob`.
    func bindZeroBlob(_ index: Int32, count: Int) throws(PouchError) {
        let code = sqlite3_bind_zeroblob64(pointer, index, sqlite3_uint64(count))
        try connection.check(code, "bind a zeroblob")
    }

    func bindNull(_ index: Int32) throws(PouchError) {
        try connection.check(sqlite3_bind_null(pointer, index), "bind null")
    }

    private func bindText(_ index: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return sqlite3_bind_text(pointer, index, "", 0, sqliteTransient)
        }
        return sqlite3_bind_text64(
            pointer, index, base.assumingMemoryBound(to: CChar.self),
            sqlite3_uint64(buffer.count), sqliteTransient, UInt8(SQLITE_UTF8))
    }

    // MARK: Stepping

    /// Advances to the next row: `true` when there is one.
    func step() throws(PouchError) -> Bool {
        let code = sqlite3_step(pointer)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let sql = sqlite3_sql(pointer).map { String(cString: $0) } ?? "?"
        sqlite3_reset(pointer)
        try connection.check(code, "run \(sql)")
        return false
    }

    /// Steps to completion, ignoring rows, and resets.
    func run() throws(PouchError) {
        defer { reset() }
        while try step() {}
    }

    /// Makes the statement ready for new bindings.
    func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
    }

    // MARK: Columns

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(pointer, column)
    }

    func int(_ column: Int32) -> Int {
        Int(sqlite3_column_int64(pointer, column))
    }

    func bool(_ column: Int32) -> Bool {
        sqlite3_column_int64(pointer, column) != 0
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(pointer, column) == SQLITE_NULL
    }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(pointer, column) else { return "" }
        let count = Int(sqlite3_column_bytes(pointer, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column's bytes (TEXT or BLOB); `nil` for NULL.
    func bytes(_ column: Int32) -> [UInt8]? {
        if isNull(column) { return nil }
        guard let blob = sqlite3_column_blob(pointer, column) else { return [] }
        let count = Int(sqlite3_column_bytes(pointer, column))
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }
}

/// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes before returning.
private let sqliteTransient = unsafeBitCast(
    OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
