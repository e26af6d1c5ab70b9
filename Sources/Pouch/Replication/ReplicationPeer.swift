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

/// A document a replication carries from its source to its target: parsed,
/// or as the JSON text the source holds, which a target that sends
/// documents on as text (a `RemoteDatabase`) writes without parsing.
///
/// Either form is one document of CouchDB's `_bulk_get` answer with
/// `revs=true`: `_id`, `_rev`, the body members, `_deleted` when it is a
/// deletion, `_revisions` and `_attachments`.
public enum ReplicatedDocument: Sendable, Equatable {
    case json(JSON)
    /// The document's JSON text (one object) and its `_id`.
    case text(id: String, bytes: [UInt8])

    /// The document's `_id`.
    public var id: String {
        switch self {
        case .json(let doc): doc["_id"]?.stringValue ?? ""
        case .text(let id, _): id
        }
    }

    /// The document parsed; `bad_request` when its text is not JSON.
    public func parsed() throws(PouchError) -> JSON {
        switch self {
        case .json(let doc):
            return doc
        case .text(_, let bytes):
            do {
                return try JSON(parsing: bytes)
            } catch {
                throw PouchError.invalidJSON(error)
            }
        }
    }
}

/// One revision a replication's bulk get asked for: the document, or why
/// it could not be read (as a `_bulk_get` error row says).
public enum ReplicatedRevision: Sendable, Equatable {
    case found(ReplicatedDocument)
    case failed(id: String, rev: String?, error: PouchError)
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

    /// Whether `bulkDocs(replicated:)` takes `.text` documents without
    /// parsing them (`false` by default): a replication to this target then
    /// asks its source for documents as text.
    var acceptsDocumentText: Bool { get }

    /// The revisions `requests` name, for a replication, in order: `bulkGet`
    /// with each document found as text when `asText` and this database
    /// can give it without parsing it. The default answers `bulkGet`'s
    /// documents as `.json`.
    func bulkGetForReplication(
        _ requests: [BulkGetRequest], options: BulkGetOptions, asText: Bool
    ) async throws -> [ReplicatedRevision]

    /// Writes replicated documents, as `bulkDocs(_:newEdits: false)` does;
    /// only failures are answered. The default parses `.text` documents.
    func bulkDocs(replicated docs: [ReplicatedDocument]) async throws -> [BulkDocsResult]
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

    /// Whether `bulkDocs(replicated:)` takes text without parsing it: by
    /// default not, so a replication to this database reads parsed
    /// documents.
    public var acceptsDocumentText: Bool { false }

    /// `bulkGet`, its documents as `.json` and its errors as `.failed`, in
    /// order: what a database that cannot give stored text answers.
    public func bulkGetForReplication(
        _ requests: [BulkGetRequest], options: BulkGetOptions, asText: Bool
    ) async throws -> [ReplicatedRevision] {
        var revisions: [ReplicatedRevision] = []
        revisions.reserveCapacity(requests.count)
        for result in try await bulkGet(requests, options: options) {
            for item in result.docs {
                switch item {
                case .ok(let doc): revisions.append(.found(.json(doc)))
                case .error(let id, let rev, let error):
                    revisions.append(.failed(id: id, rev: rev, error: error))
                }
            }
        }
        return revisions
    }

    /// Parses the `.text` documents and writes all with
    /// `bulkDocs(_:newEdits: false)`.
    public func bulkDocs(replicated docs: [ReplicatedDocument]) async throws -> [BulkDocsResult] {
        var parsed: [JSON] = []
        parsed.reserveCapacity(docs.count)
        for doc in docs { parsed.append(try doc.parsed()) }
        return try await bulkDocs(parsed, newEdits: false)
    }
}
