import Foundation
import Pouch

/// A database named on the command line: a local file path or an http(s)
/// URL.
enum DatabaseLocation: Sendable {
    case file(String)
    case remote(URL)

    init(_ text: String) {
        if text.hasPrefix("http://") || text.hasPrefix("https://"), let url = URL(string: text) {
            self = .remote(url)
        } else {
            self = .file(text)
        }
    }

    /// Opens the database: a file is created if missing; a URL is used as
    /// is (its credentials, if any, authenticate).
    func open() async throws -> any DocumentDatabase {
        switch self {
        case .file(let path): return try Database(path: path)
        case .remote(let url): return RemoteDatabase(url: url)
        }
    }

    /// Opens a database that must already exist: a missing file is
    /// `not_found`, as CouchDB answers for a missing database, instead of a
    /// new empty one.
    func openExisting() async throws -> any DocumentDatabase {
        if case .file(let path) = self, !FileManager.default.fileExists(atPath: path) {
            throw PouchError.notFound("Database does not exist: \(path)")
        }
        return try await open()
    }

    /// Opens the database for replication, creating a remote one when asked.
    func openPeer(create: Bool) async throws -> any DocumentDatabase {
        switch self {
        case .file(let path):
            return try Database(path: path)
        case .remote(let url):
            let remote = RemoteDatabase(url: url)
            if create, try await !remote.exists() { try await remote.create() }
            return remote
        }
    }

    /// The location as it may be shown: a URL without its password.
    var displayName: String {
        switch self {
        case .file(let path): return path
        case .remote(let url): return redactingPassword(url)
        }
    }
}
