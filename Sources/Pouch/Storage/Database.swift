import Foundation
import Synchronization

/// A CouchDB-compatible database kept in a local SQLite file (or in memory),
/// after PouchDB's local database: documents with revision trees, `_local`
/// documents, attachments, the changes feed and everything replication needs.
///
/// Writes go through one connection, one transaction per call (a bulk write
/// is one transaction); reads of a file database use a small pool of
/// reader connections and see one committed snapshot each. The file is in
/// WAL mode with `synchronous=NORMAL`: an acknowledged write survives the
/// process being killed, though not necessarily a power failure.
public final class Database: ReplicationPeer, Sendable {
    /// The database's name: the file name without extension, or the name
    /// given to `inMemory(name:)`.
    public let name: String
    /// The file path, or `memory:NAME` for an in-memory database.
    public let identity: String
    /// The file, or `nil` in memory.
    public let path: String?

    let writer: SerialQueue<DocumentStore>
    /// The reader connections; `nil` in memory, where the writer reads.
    private let readers: ReaderPool?
    private let isDestroyed = Atomic<Bool>(false)
    let observers = CommitObservers()

    /// The number of reader connections of a file database.
    static let readerCount = 2

    /// Opens the database file at `path`, creating it (and its schema) when
    /// missing.
    public convenience init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent
        try self.init(name: name, identity: url.path, location: url.path, isMemory: false)
    }

    /// A new, empty database held in memory and gone when released.
    ///
    /// Limitation: each call makes a distinct database, whatever the name;
    /// unlike PouchDB's memory adapter, two with one name share nothing.
    public static func inMemory(name: String) throws -> Database {
        let unique = "file:pouch-\(UUID().uuidString)?mode=memory&cache=private"
        return try Database(
            name: name, identity: "memory:\(name)", location: unique, isMemory: true)
    }

    private init(name: String, identity: String, location: String, isMemory: Bool) throws {
        self.name = name
        self.identity = identity
        self.path = isMemory ? nil : location
        let store = try DocumentStore.open(location: location, isWriter: true, isMemory: isMemory)
        writer = SerialQueue(label: "pouch.writer.\(name)", resource: store)
        var stores: [DocumentStore] = []
        if !isMemory {
            for _ in 0..<Database.readerCount {
                stores.append(
                    try DocumentStore.open(location: location, isWriter: false, isMemory: false))
            }
        }
        readers = isMemory ? nil : ReaderPool(stores)
        Logger.storage.debug("opened \(identity)")
    }

    deinit {
        observers.finishAll()
    }

    // MARK: Running work

    /// Runs `work` in one read transaction on a reader connection (the
    /// writer's for an in-memory database). A `short` read runs on the
    /// calling thread; others on a dispatch thread. An `unmapped` read
    /// closes the reader's memory map first, so large values it copies out
    /// do not also stay resident as mapped file pages.
    func read<T: Sendable>(
        short: Bool = false, unmapped: Bool = false,
        _ work: @escaping @Sendable (DocumentStore) throws -> T
    ) async throws -> T {
        try checkOpen()
        let transaction = { @Sendable (store: DocumentStore) throws -> T in
            try store.connection.transaction(immediate: false) { () throws(PouchError) in
                do { return try work(store) } catch let error as PouchError { throw error } catch {
                    throw PouchError(.internalError, "\(error)", status: 500)
                }
            }
        }
        guard let readers else { return try await writer.run(transaction) }
        let onReader =
            unmapped
            ? { @Sendable store in try store.withoutMemoryMap { try transaction(store) } }
            : transaction
        if short { return try readers.withReader(onReader) }
        return try await readers.offloaded(onReader)
    }

    /// Runs `work` on the writer connection, then tells observers the new
    /// update sequence.
    func write<T: Sendable>(
        _ work: @escaping @Sendable (DocumentStore) throws -> T
    ) async throws
        -> T
    {
        try checkOpen()
        let (result, sequence) = try await writer.run { store in
            let result = try work(store)
            return (result, try store.counters().updateSeq)
        }
        observers.notify(sequence)
        return result
    }

    private func checkOpen() throws {
        if isDestroyed.load(ordering: .acquiring) {
            throw PouchError.notFound("Database does not exist.")
        }
    }

    // MARK: Database

    /// The database's summary, after CouchDB's `GET /db`: live and deleted
    /// document counts, the update sequence (an integer) and sizes.
    public func info() async throws -> DatabaseInfo {
        let name = self.name
        return try await read(short: true) { store in
            let counters = try store.counters()
            let sizes = try store.sizes()
            // Limitation: `external` reports the bytes of pages in use, not
            // the uncompressed size of the bodies.
            return DatabaseInfo(
                name: name, docCount: counters.docCount, docDelCount: counters.docDelCount,
                updateSeq: .int(counters.updateSeq),
                sizes: .init(file: sizes.file, active: sizes.active, external: sizes.active),
                purgeSeq: .int(counters.purgeSeq))
        }
    }

    /// Deletes the database and its files, after CouchDB's `DELETE /db`;
    /// every later call throws `not_found`.
    public func destroy() async throws {
        guard !isDestroyed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        observers.finishAll()
        guard let path else { return }
        try await writer.run { store in
            try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
        Logger.storage.info("destroyed \(path)")
    }
}
