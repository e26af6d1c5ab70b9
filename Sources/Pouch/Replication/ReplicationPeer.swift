/// One entry of a `bulkGet` request: a document id and, optionally, the
/// revision wanted (the winner when absent).
public struct BulkGetRequest: Sendable, Equatable {
    public var id: String
    public var rev: RevisionID?
    /// Inline only attachments added after any of these revisions.
    public var attsSince: [RevisionID]?

    public init(id: String, rev: RevisionID? = nil, attsSince: [RevisionID]? = nil) {
        self.id = id
        self.rev = rev
        self.attsSince = attsSince
    }
}

/// How `bulkGet` answers, after CouchDB's `POST /db/_bulk_get` options.
public struct BulkGetOptions: Sendable, Equatable {
    /// Adds `_revisions` to each document.
    public var revs = true
    /// Inline attachment bodies (subject to each request's `attsSince`).
    public var attachments = false
    /// Answer each revision's newest leaf descendants.
    public var latest = false

    public init(revs: Bool = true, attachments: Bool = false, latest: Bool = false) {
        self.revs = revs
        self.attachments = attachments
        self.latest = latest
    }
}

/// The answer for one `bulkGet` request: a document per revision found,
/// or an error per revision that could not be read.
public struct BulkGetResult: Sendable, Equatable {
    public enum Item: Sendable, Equatable {
        case ok(JSON)
        case error(id: String, rev: String?, error: PouchError)
    }

    public var id: String
    public var docs: [Item]

    public init(id: String, docs: [Item]) {
        self.id = id
        self.docs = docs
    }
}

/// The answer of `revsDiff` for one document.
public struct RevsDiffResult: Sendable, Equatable {
    /// The asked revisions this database does not hold.
    public var missing: [RevisionID]
    /// Held leaves that could be ancestors of the missing revisions.
    public var possibleAncestors: [RevisionID]

    public init(missing: [RevisionID], possibleAncestors: [RevisionID] = []) {
        self.missing = missing
        self.possibleAncestors = possibleAncestors
    }
}

/// What a replication needs of either end: the same calls for the local
/// `Database` and a `RemoteDatabase`, so every pair runs the same code.
public protocol ReplicationPeer: Sendable {
    /// A stable name of this database for replication ids: a file path or
    /// a URL without credentials.
    var identity: String { get }

    /// The database's summary, with its latest sequence.
    func info() async throws -> DatabaseInfo

    /// One batch of the changes feed.
    func changes(_ options: ChangesOptions) async throws -> ChangesResponse

    /// For each id, which of the given revisions this database lacks.
    func revsDiff(_ revisions: [String: [RevisionID]]) async throws -> [String: RevsDiffResult]

    /// Documents at given revisions, with their histories when asked.
    func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult]

    /// Writes documents. With `newEdits` false each document carries its
    /// `_rev` and `_revisions` and is merged into the tree as is; only
    /// failures are answered.
    func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult]

    /// A `_local` document (`id` starts with `_local/`), or `nil`.
    func localDocument(_ id: String) async throws -> JSON?

    /// Writes a `_local` document, which carries its `_id` and, to replace
    /// one, its `_rev` (`0-N`).
    @discardableResult
    func putLocalDocument(_ doc: JSON) async throws -> WriteResult

    /// Waits until the changes feed holds a change after `since`, or until
    /// `timeout` passes; `true` when a change is there. A live replication
    /// calls it once caught up. The default polls `changes(limit: 1)`.
    func waitForChanges(since: JSON, timeout: Duration) async throws -> Bool

    /// Whether `changes` applies a `.predicate` filter itself (`false` by
    /// default: the replication then filters documents it reads).
    var appliesPredicateFilters: Bool { get }
}

extension ReplicationPeer {
    /// How often the default `waitForChanges` asks for a new change.
    static var changesPollInterval: Duration { .milliseconds(200) }

    /// Waits until the changes feed holds a change after `since`, or until
    /// `timeout` passes: what a replication does in live mode once it has
    /// caught up, like CouchDB's `feed=longpoll`.
    ///
    /// The default asks `changes(limit: 1)` every 200 ms. A database that can
    /// be told of commits, or a server that can long-poll, should override it.
    ///
    /// - Returns: `true` when a change is there, `false` on timeout.
    public func waitForChanges(since: JSON, timeout: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let batch = try await changes(ChangesOptions(since: .sequence(since), limit: 1))
            if !batch.results.isEmpty { return true }
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return false }
            try await Task.sleep(for: min(left, Self.changesPollInterval))
        }
    }

    /// Whether `changes` applies a `.predicate` filter itself. When it does
    /// not (the default, and always for a remote database), a replication
    /// reads changes with their documents and applies the predicate itself.
    public var appliesPredicateFilters: Bool { false }
}
