import Foundation
import Pouch
import Synchronization

/// Serves every database in a directory, one SQLite file each, as CouchDB
/// serves the files of its data directory. A database named `a/b` is the
/// file `a.b.sqlite` (`a%2Fb.sqlite` as earlier versions named it is still
/// served); its `_security` object sits beside it in `a.b.security.json`.
/// At most `maxOpenDatabases` stay open, as CouchDB's `max_dbs_open`: past
/// it, the one used least recently is let go (it closes once no request
/// holds it) and reopened when next asked for.
public final class DirectoryDatabaseProvider: DatabaseProvider {
    public let directory: URL
    /// How many databases are kept open at once.
    public let maxOpenDatabases: Int
    private let open = Mutex<OpenDatabases>(OpenDatabases())
    /// Databases whose deletion is under way: they answer as missing, and
    /// cannot be created again, until their files are gone, so no request
    /// reopens a file about to be removed.
    private let deleting = Mutex<Set<String>>([])

    /// The suffixes of the files a database may have.
    private static let fileSuffixes = [
        ".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal", ".security.json",
    ]

    /// Serves `directory`, creating it when missing, with up to
    /// `maxOpenDatabases` open at once.
    public init(
        directory: URL, maxOpenDatabases: Int = DirectoryDatabaseProvider.defaultMaxOpenDatabases
    ) throws {
        self.directory = directory
        self.maxOpenDatabases = max(1, maxOpenDatabases)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true)
        } catch {
            throw PouchError.storage("cannot create \(directory.path)", cause: "\(error)")
        }
    }

    public func databaseNames() async throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let names = files.compactMap { file -> String? in
            guard file.hasSuffix(".sqlite") else { return nil }
            return DatabaseName.name(ofFileStem: String(file.dropLast(".sqlite".count)))
        }
        return Set(names).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The database `name`, opened on first use. A file that is not a
    /// database SQLite can open answers 500 `storage_error` naming it; it
    /// can still be deleted.
    public func database(named name: String) async throws -> (any ServedDatabase)? {
        guard !isBeingDeleted(name) else { return nil }
        return try open.withLock { open -> Database? in
            if let database = open.use(name) { return database }
            guard !isBeingDeleted(name), let stem = existingStem(name) else { return nil }
            do {
                let database = try Database(path: path(stem, ".sqlite"))
                open.add(name, database, keeping: maxOpenDatabases)
                return database
            } catch {
                throw PouchError.storage(
                    "the file of database '\(name)' cannot be opened as a database",
                    cause: (error as? PouchError)?.reason ?? "\(error)")
            }
        }
    }

    /// Creates the database `name`; when that fails, every file it made is
    /// removed, so no half-made database is left behind.
    public func createDatabase(named name: String) async throws -> any ServedDatabase {
        let stem = DatabaseName.fileStem(name)
        let database = try open.withLock { open -> Database in
            guard open.use(name) == nil, !isBeingDeleted(name), existingStem(name) == nil else {
                throw PouchError.fileExists()
            }
            let strays = Self.fileSuffixes.filter {
                FileManager.default.fileExists(atPath: path(stem, $0))
            }
            do {
                let database = try Database(path: path(stem, ".sqlite"))
                try writeSecurity(SecurityObject.defaultForNewDatabase.json, stem)
                open.add(name, database, keeping: maxOpenDatabases)
                return database
            } catch {
                removeFiles(stem, keeping: strays)
                throw error
            }
        }
        return database
    }

    /// Deletes the database `name` and its files, even when its file
    /// cannot be opened, as CouchDB deletes a database's file.
    public func deleteDatabase(named name: String) async throws {
        let (database, stem) = try open.withLock { open -> (Database?, String?) in
            let found = (open.remove(name), existingStem(name))
            guard found.0 != nil || found.1 != nil else {
                throw PouchError.notFound("Database does not exist.")
            }
            let isFirst = deleting.withLock { $0.insert(name).inserted }
            guard isFirst else { throw PouchError.notFound("Database does not exist.") }
            return found
        }
        defer { _ = deleting.withLock { $0.remove(name) } }
        try? await database?.destroy()
        if let stem { removeFiles(stem) }
    }

    private func isBeingDeleted(_ name: String) -> Bool {
        deleting.withLock { $0.contains(name) }
    }

    public func security(ofDatabase name: String) async throws -> JSON {
        let stem = existingStem(name) ?? DatabaseName.fileStem(name)
        guard let data = FileManager.default.contents(atPath: path(stem, ".security.json")) else {
            return SecurityObject.defaultForNewDatabase.json
        }
        return try JSON(parsing: data)
    }

    public func setSecurity(_ security: JSON, ofDatabase name: String) async throws {
        try writeSecurity(security, existingStem(name) ?? DatabaseName.fileStem(name))
    }

    /// The stem of the database's existing file, in today's naming or the
    /// earlier one; `nil` when it has no file.
    private func existingStem(_ name: String) -> String? {
        let stems = [DatabaseName.fileStem(name), DatabaseName.legacyFileStem(name)]
        return stems.first { FileManager.default.fileExists(atPath: path($0, ".sqlite")) }
    }

    /// Removes the database's files, but for those whose suffix is in
    /// `keeping` (files that were there before a failed create).
    private func removeFiles(_ stem: String, keeping: [String] = []) {
        for suffix in Self.fileSuffixes where !keeping.contains(suffix) {
            try? FileManager.default.removeItem(atPath: path(stem, suffix))
        }
    }

    /// Writes the `_security` file through a short temporary name, then
    /// renames it over the old one, so a long file name still fits.
    private func writeSecurity(_ security: JSON, _ stem: String) throws {
        let target = path(stem, ".security.json")
        let temporary = directory.appendingPathComponent(".security-\(UUID().uuidString)").path
        do {
            try Data(security.serializedBytes()).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, target) == 0 else {
                throw PouchError.storage(String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw PouchError.storage("cannot write \(target)", cause: "\(error)")
        }
    }

    private func path(_ stem: String, _ suffix: String) -> String {
        directory.appendingPathComponent(stem + suffix).path
    }
}

extension DirectoryDatabaseProvider {
    /// The default for `maxOpenDatabases`: CouchDB's `max_dbs_open` (500),
    /// or fewer when this process may open few files (a database holds
    /// about 7 descriptors; a sixteenth of the limit is left to each).
    public static var defaultMaxOpenDatabases: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 64 }
        return max(16, min(500, Int(clamping: limit.rlim_cur) / 16))
    }

    /// How many databases are open now.
    package var openDatabaseCount: Int { open.withLock { $0.databases.count } }
}

/// The open databases by name, with when each was last used.
struct OpenDatabases {
    var databases: [String: (database: Database, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    /// The database `name` if open, marked as just used.
    mutating func use(_ name: String) -> Database? {
        guard let entry = databases[name] else { return nil }
        clock += 1
        databases[name]?.lastUse = clock
        return entry.database
    }

    /// Adds `database`, letting go of the least recently used ones past
    /// `limit`.
    mutating func add(_ name: String, _ database: Database, keeping limit: Int) {
        clock += 1
        databases[name] = (database, clock)
        while databases.count > limit,
            let oldest = databases.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
        {
            databases.removeValue(forKey: oldest)
        }
    }

    mutating func remove(_ name: String) -> Database? {
        databases.removeValue(forKey: name)?.database
    }
}
