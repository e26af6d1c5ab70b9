import CSQLite
import Foundation

/// The floor for insert speed: the same JSON text inserted into a bare
/// SQLite table (id, body), one transaction per batch, WAL mode, one
/// prepared statement. Nothing a document store does can be cheaper.
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
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
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
