import CSQLite
import Foundation
import Pouch

/// The floor for insert speed: the same JSON text inserted into a bare
/// SQLite table (id, body), one transaction per batch, WAL mode, one
/// prepared statement, timed until the log is copied into the file (as
/// Pouch's bulk insert is). Nothing a document store does can be cheaper.
enum SQLiteFloor {
    static func insert(bodies: [[(String, [UInt8])]], path: String) throws -> Double {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let db = handle else {
            throw BenchError("cannot open \(path)")
        }
        defer { sqlite3_close(db) }
        try exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        try exec(db, "CREATE TABLE docs (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO docs (id, body) VALUES (?, ?)", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        let start = DispatchTime.now().uptimeNanoseconds
        for batch in bodies {
            try exec(db, "BEGIN")
            for (id, body) in batch {
                sqlite3_bind_text(statement, 1, id, -1, transient)
                _ = body.withUnsafeBufferPointer {
                    sqlite3_bind_text(statement, 2, $0.baseAddress, Int32($0.count), transient)
                }
                guard sqlite3_step(statement) == SQLITE_DONE else {
                    throw BenchError("insert failed")
                }
                sqlite3_reset(statement)
            }
            try exec(db, "COMMIT")
        }
        try exec(db, "PRAGMA wal_checkpoint(FULL)")
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// A second reference: the row Pouch itself writes for each new
    /// document (its tables, its insert statement, revision and tree
    /// computed beforehand), so the report separates the cost of the
    /// schema from the cost of the code around it.
    static func insertPouchRows(rows: [[PouchRow]], path: String) throws -> Double {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let db = handle else {
            throw BenchError("cannot open \(path)")
        }
        defer { sqlite3_close(db) }
        try exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        IndexKey.register(on: db)
        for migration in Schema.migrations { try exec(db, migration) }
        let document = try prepare(db, Schema.insertDocument)
        defer { sqlite3_finalize(document) }
        let start = DispatchTime.now().uptimeNanoseconds
        for (batchIndex, batch) in rows.enumerated() {
            try exec(db, "BEGIN")
            for (index, row) in batch.enumerated() {
                sqlite3_bind_int64(document, 1, Int64(batchIndex * batch.count + index + 1))
                sqlite3_bind_text(document, 2, row.id, -1, transient)
                sqlite3_bind_text(document, 3, row.rev, -1, transient)
                sqlite3_bind_int(document, 4, 0)
                _ = row.tree.withUnsafeBytes {
                    sqlite3_bind_blob(document, 5, $0.baseAddress, Int32($0.count), transient)
                }
                _ = row.body.withUnsafeBufferPointer {
                    sqlite3_bind_text(document, 6, $0.baseAddress, Int32($0.count), transient)
                }
                sqlite3_bind_null(document, 7)
                try step(document)
            }
            try exec(db, "COMMIT")
        }
        try exec(db, "PRAGMA wal_checkpoint(FULL)")
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// One new document as Pouch stores it.
    struct PouchRow {
        var id: String
        var rev: String
        var tree: [UInt8]
        var body: [UInt8]
    }

    private static func prepare(_ db: OpaquePointer, _ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError(String(cString: sqlite3_errmsg(db)))
        }
        return statement
    }

    private static func step(_ statement: OpaquePointer) throws {
        guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError("insert failed") }
        sqlite3_reset(statement)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func exec(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchError(String(cString: sqlite3_errmsg(db)))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
