/// The document store on one SQLite connection: the synchronous engine
/// behind `Database`. One instance writes; others only read.
///
/// Every method runs on the queue that owns the connection, inside a
/// transaction its caller opened.
final class DocumentStore {
    let connection: Connection

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
            if isWriter { try connection.execute("PRAGMA journal_mode = WAL") }
            try connection.execute("PRAGMA synchronous = NORMAL")
            // No memory map: each page a connection maps stays resident
            // in the process (once per connection), so reading a large
            // file would grow its memory with the file, up to the map's
            // size. Pages are read into each connection's cache instead,
            // up to 8 MB, from the system's file cache.
            try connection.execute("PRAGMA mmap_size = 0")
            try connection.execute("PRAGMA cache_size = -8192")
        }
        try connection.execute("PRAGMA foreign_keys = OFF")
        if isWriter { try Schema.migrate(connection) }
        return DocumentStore(connection: connection)
    }

    /// Runs `body` in a write transaction.
    func write<T>(_ body: () throws(PouchError) -> T) throws(PouchError) -> T {
        try connection.transaction(immediate: true, body)
    }

    /// Runs `body` in a read transaction: one consistent snapshot.
    func read<T>(_ body: () throws(PouchError) -> T) throws(PouchError) -> T {
        try connection.transaction(immediate: false, body)
    }
}

/// A document's row: its id, latest sequence and revision tree.
struct DocumentRecord {
    /// The row's key, which `revs` rows refer to.
    var key: Int64
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
        let statement = try connection.statement(
            "SELECT doc, seq, tree FROM docs WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(1, id)
        guard try statement.step() else { return nil }
        let tree = try RevisionTree(encoded: statement.bytes(2) ?? [])
        return DocumentRecord(
            key: statement.int64(0), id: id, seq: statement.int64(1), tree: tree)
    }

    /// Inserts or updates a document's row; returns its key.
    @discardableResult
    func save(_ record: DocumentRecord, isNew: Bool) throws(PouchError) -> Int64 {
        guard let winner = record.winner else {
            throw PouchError.storage("a document without revisions cannot be saved")
        }
        return try save(
            record, winner: winner, isDeleted: record.tree.isDeleted(winner), isNew: isNew)
    }

    /// Inserts or updates a document's row, its winner already known.
    func save(
        _ record: DocumentRecord, winner: RevisionID, isDeleted: Bool, isNew: Bool
    ) throws(PouchError) -> Int64 {
        let sql =
            isNew
            ? "INSERT INTO docs (seq, winner, deleted, tree, id) VALUES (?, ?, ?, ?, ?)"
            : "UPDATE docs SET seq = ?, winner = ?, deleted = ?, tree = ? WHERE doc = ?"
        let statement = try connection.statement(sql)
        try statement.bind(1, record.seq)
        try statement.bind(2, winner.description)
        try statement.bind(3, isDeleted)
        try statement.bind(4, blob: record.tree.encoded())
        if isNew { try statement.bind(5, record.id) } else { try statement.bind(5, record.key) }
        try statement.run()
        return isNew ? connection.lastInsertedRowID : record.key
    }

    func deleteDocument(key: Int64) throws(PouchError) {
        let statement = try connection.statement("DELETE FROM docs WHERE doc = ?")
        try statement.bind(1, key)
        try statement.run()
        let revisions = try connection.statement("DELETE FROM revs WHERE doc = ?")
        try revisions.bind(1, key)
        try revisions.run()
    }

    // MARK: Revisions

    func revision(_ rev: RevisionID, of key: Int64) throws(PouchError) -> RevisionRecord? {
        let statement = try connection.statement(
            "SELECT deleted, body, atts FROM revs WHERE doc = ? AND rev = ?")
        defer { statement.reset() }
        try statement.bind(1, key)
        try statement.bind(2, rev.description)
        guard try statement.step() else { return nil }
        let attachments = try statement.bytes(2).map(AttachmentInfo.decode) ?? []
        return RevisionRecord(
            isDeleted: statement.bool(0), body: statement.bytes(1), attachments: attachments)
    }

    func saveRevision(
        _ rev: RevisionID, of key: Int64, record: RevisionRecord
    ) throws(PouchError) {
        let statement = try connection.statement(
            "INSERT OR REPLACE INTO revs (doc, rev, deleted, body, atts) VALUES (?, ?, ?, ?, ?)")
        try statement.bind(1, key)
        try statement.bind(2, rev.description)
        try statement.bind(3, record.isDeleted)
        if let body = record.body {
            try statement.bind(4, text: body)
        } else {
            try statement.bindNull(4)
        }
        if record.attachments.isEmpty {
            try statement.bindNull(5)
        } else {
            try statement.bind(5, text: AttachmentInfo.encode(record.attachments))
        }
        try statement.run()
    }

    func deleteRevisions(_ revs: [RevisionID], of key: Int64) throws(PouchError) {
        let statement = try connection.statement("DELETE FROM revs WHERE doc = ? AND rev = ?")
        for rev in revs {
            try statement.bind(1, key)
            try statement.bind(2, rev.description)
            try statement.run()
        }
    }

    /// The revisions of a document whose bodies are held.
    func availableRevisions(of key: Int64) throws(PouchError) -> Set<RevisionID> {
        let statement = try connection.statement(
            "SELECT rev FROM revs WHERE doc = ? AND body IS NOT NULL")
        defer { statement.reset() }
        try statement.bind(1, key)
        var result = Set<RevisionID>()
        while try statement.step() {
            if let rev = RevisionID(statement.string(0)) { result.insert(rev) }
        }
        return result
    }

    // MARK: Attachment bodies

    func saveAttachmentData(_ data: [UInt8], digest: String) throws(PouchError) {
        let statement = try connection.statement(
            "INSERT OR IGNORE INTO attachments (digest, length, data) VALUES (?, ?, ?)")
        try statement.bind(1, digest)
        try statement.bind(2, data.count)
        try statement.bind(3, blob: data)
        try statement.run()
    }

    func attachmentData(digest: String) throws(PouchError) -> [UInt8]? {
        let statement = try connection.statement(
            "SELECT data FROM attachments WHERE digest = ?")
        defer { statement.reset() }
        try statement.bind(1, digest)
        guard try statement.step() else { return nil }
        return statement.bytes(0) ?? []
    }

    func hasAttachmentData(digest: String) throws(PouchError) -> Bool {
        let statement = try connection.statement(
            "SELECT 1 FROM attachments WHERE digest = ?")
        defer { statement.reset() }
        try statement.bind(1, digest)
        return try statement.step()
    }
}
