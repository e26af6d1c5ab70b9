import Foundation
import Pouch
import Synchronization

/// Serves every database in a directory, one SQLite file each, as CouchDB
/// serves the files of its data directory. A database named `a/b` is the
/// file `a%2Fb.sqlite`; its `_security` object sits beside it in
/// `a%2Fb.security.json`. Opened databases stay open until deleted.
public final class DirectoryDatabaseProvider: DatabaseProvider {
    public let directory: URL
    private let open = Mutex<[String: Database]>([:])

    /// Serves `directory`, creating it when missing.
    public init(directory: URL) throws {
        self.directory = directory
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
            let name = String(file.dropLast(".sqlite".count))
                .replacingOccurrences(of: "%2F", with: "/")
            return DatabaseName.isLegal(name) ? name : nil
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func database(named name: String) async throws -> (any ServedDatabase)? {
        try open.withLock { open -> Database? in
            if let database = open[name] { return database }
            guard FileManager.default.fileExists(atPath: path(name, ".sqlite")) else { return nil }
            let database = try Database(path: path(name, ".sqlite"))
            open[name] = database
            return database
        }
    }

    public func createDatabase(named name: String) async throws -> any ServedDatabase {
        let database = try open.withLock { open -> Database in
            guard open[name] == nil, !FileManager.default.fileExists(atPath: path(name, ".sqlite"))
            else { throw PouchError.fileExists() }
            let database = try Database(path: path(name, ".sqlite"))
            open[name] = database
            return database
        }
        try writeSecurity(SecurityObject.defaultForNewDatabase.json, name)
        return database
    }

    public func deleteDatabase(named name: String) async throws {
        guard let database = try await database(named: name) else {
            throw PouchError.notFound("Database does not exist.")
        }
        _ = open.withLock { $0.removeValue(forKey: name) }
        try await database.destroy()
        try? FileManager.default.removeItem(atPath: path(name, ".security.json"))
    }

    public func security(ofDatabase name: String) async throws -> JSON {
        guard let data = FileManager.default.contents(atPath: path(name, ".security.json")) else {
            return SecurityObject.defaultForNewDatabase.json
        }
        return try JSON(parsing: data)
    }

    public func setSecurity(_ security: JSON, ofDatabase name: String) async throws {
        try writeSecurity(security, name)
    }

    private func writeSecurity(_ security: JSON, _ name: String) throws {
        let url = URL(fileURLWithPath: path(name, ".security.json"))
        do {
            try Data(security.serializedBytes()).write(to: url, options: .atomic)
        } catch {
            throw PouchError.storage("cannot write \(url.path)", cause: "\(error)")
        }
    }

    private func path(_ name: String, _ suffix: String) -> String {
        let file = name.replacingOccurrences(of: "/", with: "%2F") + suffix
        return directory.appendingPathComponent(file).path
    }
}
