import CSQLite
import Foundation

/// The document store on one SQLite connection: the synchronous engine
/// behind `Database`. One instance writes; others only read.
///
/// Every method runs on the queue that owns the connection, inside a
/// transaction its caller opened.
final class DocumentStore {
    let connection: Connection
    /// The Mango indexes as read in the current write transaction, so a
    /// batch asks for them once rather than once per document; cleared
    /// when a transaction starts and whenever an index is added or dropped.
    var indexesInWrite: [StoredIndex]?

    init(connection: Connection) {
        self.connection = connection
    }

    /// Opens a connection at `location` with the pragmas Pouch relies on.
    ///
    /// WAL journal with `synchronous=NORMAL`: a committed transaction
    /// survives the process being killed (the WAL is in the OS's cache),
    /// though the last commits may be lost on power failure.
    static func open(
        location: String, isWriter: Bool, isMemory: Bool
    ) throws(PouchError)
        -> DocumentStore
    {
        let connection = try Connection(location: location)
        if !isMemory {
            if isWriter {
                try connection.execute("PRAGMA journal_mode = WAL")
                WALCheckpointer.install(on: connection, location: location)
            }
            try connection.execute("PRAGMA synchronous = NORMAL")
            // Reads go through a memory map only if `memoryMapSize` allows
            // one; each connection caches up to 8 MB.
            try connection.execute("PRAGMA mmap_size = \(memoryMapSize)")
            try connection.execute("PRAGMA cache_size = -8192")
        }
        try connection.execute("PRAGMA foreign_keys = OFF")
        if isWriter { try Schema.migrate(connection) }
        return DocumentStore(connection: connection)
    }

    /// The bytes of the file each connection reads through a memory map:
    /// none. Each page a connection maps stays resident in the process
    /// (once per connection), so a map makes memory grow with the file up
    /// to its size; without one, pages are read into each connection's
    /// bounded cache from the system's file cache, and a replication of a
    /// large file stays within a flat memory budget.
    static let memoryMapSize = 0

    /// Runs `body` with this connection's memory map of the file closed,
    /// so every page it reads is copied by `pread` into SQLite's cache or
    /// straight into the caller's buffer, and none stays mapped (resident)
    /// in the process afterwards. The map reopens on the next read after.
    ///
    /// Call it outside a transaction: SQLite keeps the map while pages
    /// are in use.
    func withoutMemoryMap<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("PRAGMA mmap_size = 0")
        defer {
            do {
                try connection.execute("PRAGMA mmap_size = \(Self.memoryMapSize)")
            } catch {
                Logger.storage.warning("a reader stays without its memory map: \(error)")
            }
        }
        return try body()
    }

    /// Runs `body` in a write transaction.
    func write<T>(_ body: () throws(PouchError) -> T) throws(PouchError) -> T {
        indexesInWrite = nil
        defer { indexesInWrite = nil }
        return try connection.transaction(immediate: true, body)
    }

    /// Runs `body` in a read transaction: one consistent snapshot.
    func read<T>(_ body: () throws(PouchError) -> T) throws(PouchError) -> T {
        try connection.transaction(immediate: false, body)
    }
}

/// A document's row: its id, latest sequence and revision tree.
struct DocumentRecord {
    var id: String
    var seq: Int64
    var tree: RevisionTree

    var winner: RevisionID? { tree.winner }

    var isDeleted: Bool { winner.map { tree.isDeleted($0) } ?? true }
}

/// A revision's row: its body as stored JSON text (absent once compacted
/// or never received) and its attachments.
struct RevisionRecord {
    var isDeleted: Bool
    var body: [UInt8]?
    var attachments: [AttachmentInfo]
}

/// The counters and settings kept in `meta`.
struct Counters: Equatable {
    var updateSeq: Int64 = 0
    var docCount = 0
    var docDelCount = 0
    var revsLimit = 1000
    var purgeSeq: Int64 = 0
    var purgedInfosLimit = 1000
}

extension DocumentStore {
    // MARK: Counters

    func counters() throws(PouchError) -> Counters {
        let statement = try connection.statement("SELECT key, value FROM meta")
        defer { statement.reset() }
        var counters = Counters()
        while try statement.step() {
            let value = statement.int64(1)
            switch statement.string(0) {
            case "update_seq": counters.updateSeq = value
            case "doc_count": counters.docCount = Int(value)
            case "doc_del_count": counters.docDelCount = Int(value)
            case "revs_limit": counters.revsLimit = Int(value)
            case "purge_seq": counters.purgeSeq = value
            case "purged_infos_limit": counters.purgedInfosLimit = Int(value)
            default: break
            }
        }
        return counters
    }

    func save(_ counters: Counters, over old: Counters) throws(PouchError) {
        let pairs: [(String, Int64, Int64)] = [
            ("update_seq", counters.updateSeq, old.updateSeq),
            ("doc_count", Int64(counters.docCount), Int64(old.docCount)),
            ("doc_del_count", Int64(counters.docDelCount), Int64(old.docDelCount)),
            ("revs_limit", Int64(counters.revsLimit), Int64(old.revsLimit)),
            ("purge_seq", counters.purgeSeq, old.purgeSeq),
            ("purged_infos_limit", Int64(counters.purgedInfosLimit), Int64(old.purgedInfosLimit)),
        ]
        let statement = try connection.statement(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
        for (key, value, previous) in pairs where value != previous {
            try statement.bind(1, key)
            try statement.bind(2, value)
            try statement.run()
        }
    }

    // MARK: Documents

    /// The document `id`, or `nil` when it was never stored (or purged).
    func document(_ id: String) throws(PouchError) -> DocumentRecord? {
        let statement = try connection.statement("SELECT seq, tree FROM docs WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(1, id)
        guard try statement.step() else { return nil }
        let tree = try RevisionTree(encoded: statement.bytes(1) ?? [])
        return DocumentRecord(id: id, seq: statement.int64(0), tree: tree)
    }

    /// Inserts a new document's row, with its winning revision, unless the
    /// id is taken; whether it was inserted.
    func insertIfAbsent(
        _ record: DocumentRecord, winner: RevisionID, revision: RevisionRecord
    ) throws(PouchError) -> Bool {
        try insertIfAbsent(
            record, winnerText: winner.description, encodedTree: record.tree.encoded(),
            revision: revision)
    }

    /// `insertIfAbsent` for a new document whose one-revision tree was
    /// prepared beforehand.
    func insertIfAbsent(
        _ record: DocumentRecord, root: PreparedRoot, revision: RevisionRecord
    ) throws(PouchError) -> Bool {
        try insertIfAbsent(
            record, winnerText: root.revText, encodedTree: root.encodedTree, revision: revision)
    }

    private func insertIfAbsent(
        _ record: DocumentRecord, winnerText: String, encodedTree: [UInt8],
        revision: RevisionRecord
    ) throws(PouchError) -> Bool {
        let statement = try connection.statement(Schema.insertDocument)
        try statement.bind(1, record.seq)
        try statement.bind(2, record.id)
        try statement.bind(3, winnerText)
        try statement.bind(4, revision.isDeleted)
        try statement.bind(5, blob: encodedTree)
        try bind(revision, at: 6, to: statement)
        try statement.run()
        return connection.changes == 1
    }

    /// Saves a document's new state: its row under a new sequence, with the
    /// winning revision in it, and every other revision in `revs`.
    ///
    /// `written` is the revision just stored (if any) and its record;
    /// `removed` the revisions that left the tree (stemmed or purged).
    /// When the winner changes, the old one's row moves down to `revs` and
    /// the new one's up from it.
    func update(
        _ record: DocumentRecord, from old: DocumentRecord,
        written: (rev: RevisionID, record: RevisionRecord)?, removed: [RevisionID]
    ) throws(PouchError) {
        guard let winner = record.winner else {
            throw PouchError.storage("a document without revisions cannot be saved")
        }
        let oldWinner = old.winner
        var winning: RevisionRecord?
        if let written, written.rev == winner {
            winning = written.record
        } else if winner != oldWinner {
            winning = try revision(winner, of: old)
            try deleteRevisions([winner], of: record.id)
        }
        if let oldWinner, oldWinner != winner, record.tree.contains(oldWinner) {
            try moveWinnerToRevisions(record.id)
        }
        if let written, written.rev != winner {
            try saveRevision(written.rev, of: record.id, record: written.record)
        }
        try deleteRevisions(removed.filter { $0 != oldWinner }, of: record.id)
        try saveRow(record, winner: winner, winning: winning)
    }

    /// Rewrites a document's row; the winner's body and attachments only
    /// when `winning` is given (the winner changed or was rewritten).
    private func saveRow(
        _ record: DocumentRecord, winner: RevisionID, winning: RevisionRecord?
    ) throws(PouchError) {
        let sql =
            winning == nil
            ? "UPDATE docs SET seq = ?, winner = ?, deleted = ?, tree = ? WHERE id = ?"
            : """
            UPDATE docs SET seq = ?, winner = ?, deleted = ?, tree = ?, body = ?, atts = ?
            WHERE id = ?
            """
        let statement = try connection.statement(sql)
        try statement.bind(1, record.seq)
        try statement.bind(2, winner.description)
        try statement.bind(3, record.tree.isDeleted(winner))
        try statement.bind(4, blob: record.tree.encoded())
        if let winning {
            try bind(winning, at: 5, to: statement)
            try statement.bind(7, record.id)
        } else {
            try statement.bind(5, record.id)
        }
        try statement.run()
    }

    /// Copies the winner's row of `id` into `revs`, before another
    /// revision takes its place in `docs`.
    private func moveWinnerToRevisions(_ id: String) throws(PouchError) {
        let statement = try connection.statement(
            """
            INSERT OR REPLACE INTO revs (id, rev, deleted, body, atts)
            SELECT id, winner, deleted, body, atts FROM docs WHERE id = ?
            """)
        try statement.bind(1, id)
        try statement.run()
    }

    func deleteDocument(_ id: String) throws(PouchError) {
        for sql in ["DELETE FROM docs WHERE id = ?", "DELETE FROM revs WHERE id = ?"] {
            let statement = try connection.statement(sql)
            try statement.bind(1, id)
            try statement.run()
        }
    }

    // MARK: Revisions

    /// A revision of `doc` held in the database, winner or not.
    func revision(_ rev: RevisionID, of doc: DocumentRecord) throws(PouchError) -> RevisionRecord? {
        let isWinner = rev == doc.winner
        let statement = try connection.statement(
            isWinner
                ? "SELECT deleted, body, atts FROM docs WHERE id = ?"
                : "SELECT deleted, body, atts FROM revs WHERE id = ? AND rev = ?")
        defer { statement.reset() }
        try statement.bind(1, doc.id)
        if !isWinner { try statement.bind(2, rev.description) }
        guard try statement.step() else { return nil }
        let attachments = try statement.bytes(2).map(AttachmentInfo.decode) ?? []
        return RevisionRecord(
            isDeleted: statement.bool(0), body: statement.bytes(1), attachments: attachments)
    }

    /// Stores a revision that is not the winner.
    func saveRevision(
        _ rev: RevisionID, of id: String, record: RevisionRecord
    ) throws(PouchError) {
        let statement = try connection.statement(
            "INSERT OR REPLACE INTO revs (id, rev, deleted, body, atts) VALUES (?, ?, ?, ?, ?)")
        try statement.bind(1, id)
        try statement.bind(2, rev.description)
        try statement.bind(3, record.isDeleted)
        try bind(record, at: 4, to: statement)
        try statement.run()
    }

    /// Binds a revision's body and attachment descriptions at `index` and
    /// `index + 1`.
    private func bind(
        _ record: RevisionRecord, at index: Int32, to statement: Statement
    ) throws(PouchError) {
        if let body = record.body {
            try statement.bind(index, text: body)
        } else {
            try statement.bindNull(index)
        }
        if record.attachments.isEmpty {
            try statement.bindNull(index + 1)
        } else {
            try statement.bind(index + 1, text: AttachmentInfo.encode(record.attachments))
        }
    }

    func deleteRevisions(_ revs: [RevisionID], of id: String) throws(PouchError) {
        guard !revs.isEmpty else { return }
        let statement = try connection.statement("DELETE FROM revs WHERE id = ? AND rev = ?")
        for rev in revs {
            try statement.bind(1, id)
            try statement.bind(2, rev.description)
            try statement.run()
        }
    }

    /// The revisions of a document whose bodies are held.
    func availableRevisions(of doc: DocumentRecord) throws(PouchError) -> Set<RevisionID> {
        let statement = try connection.statement(
            """
            SELECT rev FROM revs WHERE id = ?1 AND body IS NOT NULL
            UNION ALL SELECT winner FROM docs WHERE id = ?1 AND body IS NOT NULL
            """)
        defer { statement.reset() }
        try statement.bind(1, doc.id)
        var result = Set<RevisionID>()
        while try statement.step() {
            if let rev = RevisionID(statement.string(0)) { result.insert(rev) }
        }
        return result
    }

    // MARK: Attachment bodies

    /// Stores `data` as the body for `digest` unless one is already held.
    ///
    /// The row is inserted with a `zeroblob` and filled in place from the
    /// caller's bytes, so the only whole copy is the one SQLite writes to
    /// its file; it commits with the caller's transaction.
    func saveAttachmentData(_ data: Data, digest: String, name: String) throws(PouchError) {
        guard try !hasAttachmentData(digest: digest) else { return }
        let limit = Int(sqlite3_limit(connection.handle, SQLITE_LIMIT_LENGTH, -1))
        guard data.count <= limit else {
            // CouchDB's answer to a body over `max_attachment_size`.
            throw PouchError(.init("attachment_too_large"), name, status: 413)
        }
        let statement = try connection.statement(
            "INSERT INTO attachments (digest, length, data) VALUES (?, ?, ?)")
        try statement.bind(1, digest)
        try statement.bind(2, data.count)
        try statement.bindZeroBlob(3, count: data.count)
        try statement.run()
        guard !data.isEmpty else { return }
        let row = connection.lastInsertedRowID
        let written = data.withUnsafeBytes { bytes in
            Result { () throws(PouchError) in
                try connection.writeBlob(bytes, table: "attachments", column: "data", row: row)
            }
        }
        try written.get()
    }

    /// The body stored for `digest`, read from its pages straight into the
    /// returned value; `nil` when none is held.
    func attachmentData(digest: String) throws(PouchError) -> Data? {
        let statement = try connection.statement(
            "SELECT rowid, length FROM attachments WHERE digest = ?")
        defer { statement.reset() }
        try statement.bind(1, digest)
        guard try statement.step() else { return nil }
        let (row, length) = (statement.int64(0), statement.int(1))
        statement.reset()
        var data = Data(count: length)
        guard length > 0 else { return data }
        let read = data.withUnsafeMutableBytes { buffer in
            Result { () throws(PouchError) in
                try connection.readBlob(
                    into: buffer, table: "attachments", column: "data", row: row)
            }
        }
        try read.get()
        return data
    }

    func hasAttachmentData(digest: String) throws(PouchError) -> Bool {
        let statement = try connection.statement(
            "SELECT 1 FROM attachments WHERE digest = ?")
        defer { statement.reset() }
        try statement.bind(1, digest)
        return try statement.step()
    }
}
