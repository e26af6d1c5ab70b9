import CSQLite

/// Incremental BLOB I/O (`sqlite3_blob_open`): a large value is written
/// into or read out of its row's pages in chunks, so SQLite never builds
/// the whole value in memory.
///
/// The reads and writes belong to the transaction open on the connection,
/// so a written body commits or rolls back with the rest of that
/// transaction.
extension Connection {
    /// The bytes moved by one `sqlite3_blob_write` or `sqlite3_blob_read`.
    static let blobChunkSize = 1 << 20

    /// Copies `bytes` over the BLOB in `column` of `table`'s row `row`,
    /// which must hold exactly `bytes.count` bytes (a `zeroblob`).
    func writeBlob(
        _ bytes: UnsafeRawBufferPointer, table: String, column: String, row: Int64,
        chunkSize: Int = blobChunkSize
    ) throws(PouchError) {
        let blob = try openBlob(table: table, column: column, row: row, writable: true)
        defer { sqlite3_blob_close(blob) }
        try checkBlobSize(blob, bytes.count)
        var offset = 0
        while offset < bytes.count {
            let count = min(chunkSize, bytes.count - offset)
            let code = sqlite3_blob_write(
                blob, bytes.baseAddress! + offset, Int32(count), Int32(offset))
            try check(code, "write an attachment body")
            offset += count
        }
    }

    /// Copies the BLOB in `column` of `table`'s row `row` into `buffer`,
    /// which must have exactly the BLOB's size.
    func readBlob(
        into buffer: UnsafeMutableRawBufferPointer, table: String, column: String, row: Int64,
        chunkSize: Int = blobChunkSize
    ) throws(PouchError) {
        let blob = try openBlob(table: table, column: column, row: row, writable: false)
        defer { sqlite3_blob_close(blob) }
        try checkBlobSize(blob, buffer.count)
        var offset = 0
        while offset < buffer.count {
            let count = min(chunkSize, buffer.count - offset)
            let code = sqlite3_blob_read(
                blob, buffer.baseAddress! + offset, Int32(count), Int32(offset))
            try check(code, "read an attachment body")
            offset += count
        }
    }

    private func openBlob(
        table: String, column: String, row: Int64, writable: Bool
    ) throws(PouchError) -> OpaquePointer {
        var blob: OpaquePointer?
        let code = sqlite3_blob_open(
            handle, "main", table, column, row, writable ? 1 : 0, &blob)
        if code != SQLITE_OK { sqlite3_blob_close(blob) }
        try check(code, "open an attachment body")
        guard let blob else { throw PouchError.storage("an attachment body could not be opened") }
        return blob
    }

    private func checkBlobSize(_ blob: OpaquePointer, _ expected: Int) throws(PouchError) {
        let size = Int(sqlite3_blob_bytes(blob))
        guard size == expected else {
            throw PouchError.storage(
                "an attachment body holds \(size) bytes where \(expected) were expected")
        }
    }
}
