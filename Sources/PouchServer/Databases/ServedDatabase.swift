import Pouch

/// A database the server can serve: CouchDB's document API plus the
/// per-database maintenance endpoints (`_revs_limit`, `_purge`,
/// `_compact`, `_local_docs`, ...).
public protocol ServedDatabase: DocumentDatabase {
    /// `GET /db/_revs_limit`.
    func revsLimit() async throws -> Int
    /// `PUT /db/_revs_limit`.
    func setRevsLimit(_ limit: Int) async throws
    /// `GET /db/_purged_infos_limit`.
    func purgedInfosLimit() async throws -> Int
    /// `PUT /db/_purged_infos_limit`.
    func setPurgedInfosLimit(_ limit: Int) async throws
    /// `POST /db/_compact`.
    func compact() async throws
    /// `POST /db/_purge`: the revisions purged per id.
    func purge(_ revisions: [String: [RevisionID]]) async throws -> [String: [RevisionID]]
    /// `GET /db/_local_docs`: every `_local` document's id and revision.
    func localDocuments() async throws -> [AllDocsRow]
    /// Deletes the database and its files (`DELETE /db`).
    func destroy() async throws
    /// `POST /db/_explain`: how `find` would run a query.
    func explain(_ query: FindQuery) async throws -> JSON
    /// A stream that yields after every commit, so live changes feeds wake
    /// at once; `nil` when the database cannot tell, and feeds then poll.
    func commitSignals() -> AsyncStream<Int64>?
}

extension ServedDatabase {
    /// No commit signals: live feeds poll.
    public func commitSignals() -> AsyncStream<Int64>? { nil }
}

/// The local SQLite database, served as it is.
extension Database: ServedDatabase {
    /// The update sequence after each commit.
    public func commitSignals() -> AsyncStream<Int64>? { commits() }
}

/// Opens, creates, lists and deletes the databases a server serves, and
/// keeps each one's `_security` object.
public protocol DatabaseProvider: Sendable {
    /// The names of every database, sorted by code point.
    func databaseNames() async throws -> [String]
    /// The database `name`, or `nil` when it does not exist.
    func database(named name: String) async throws -> (any ServedDatabase)?
    /// Creates the database `name`; `file_exists` (412) when it exists.
    func createDatabase(named name: String) async throws -> any ServedDatabase
    /// Deletes the database `name`; `not_found` (404) when it does not exist.
    func deleteDatabase(named name: String) async throws
    /// The database's `_security` object.
    func security(ofDatabase name: String) async throws -> JSON
    /// Replaces the database's `_security` object.
    func setSecurity(_ security: JSON, ofDatabase name: String) async throws
}
