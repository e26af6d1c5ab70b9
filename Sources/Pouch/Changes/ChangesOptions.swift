/// Where a changes feed starts.
public enum ChangesSince: Sendable, Equatable {
    /// From the beginning.
    case start
    /// After this sequence, exactly as the database sent it.
    case sequence(JSON)
    /// From the database's current sequence: only what happens next.
    case now
}

/// Which revisions a change row lists, after CouchDB's `style`.
public enum ChangesStyle: String, Sendable, Equatable {
    /// The winning revision only.
    case mainOnly = "main_only"
    /// Every leaf revision, as replication asks.
    case allDocs = "all_docs"
}

/// Which documents a changes feed lists. A deletion is offered to a filter
/// like any document; a selector sees the tombstone's body.
public enum ChangesFilter: Sendable {
    case none
    /// Only these ids (CouchDB's `_doc_ids` filter).
    case docIDs([String])
    /// Documents whose winning body matches this Mango selector
    /// (CouchDB's `_selector` filter).
    case selector(JSON)
    /// A filter function of a design document, `ddoc/name`, run by a remote
    /// server with these query parameters.
    case server(name: String, queryParameters: [String: String])
    /// A Swift predicate on the winning body (`_id`, `_rev`, `_deleted` set).
    /// `identity` names it in replication ids: change it when the predicate
    /// changes.
    case predicate(identity: String, @Sendable (JSON) -> Bool)
}

/// What a changes request asks for, after CouchDB's `GET /db/_changes`.
public struct ChangesOptions: Sendable {
    public var since: ChangesSince = .start
    public var limit: Int? = nil
    public var descending = false
    public var includeDocs = false
    public var conflicts = false
    public var attachments = false
    public var style: ChangesStyle = .mainOnly
    public var filter: ChangesFilter = .none
    /// For a remote long poll: how long the server waits for a change, in
    /// milliseconds.
    public var timeout: Int? = nil
    /// For a remote long poll: the server's keep-alive newline interval, in
    /// milliseconds.
    public var heartbeat: Int? = nil

    public init(
        since: ChangesSince = .start, limit: Int? = nil, descending: Bool = false,
        includeDocs: Bool = false, conflicts: Bool = false, attachments: Bool = false,
        style: ChangesStyle = .mainOnly, filter: ChangesFilter = .none
    ) {
        self.since = since
        self.limit = limit
        self.descending = descending
        self.includeDocs = includeDocs
        self.conflicts = conflicts
        self.attachments = attachments
        self.style = style
        self.filter = filter
    }
}

/// One row of a changes feed: a document at its latest sequence.
public struct Change: Sendable, Equatable {
    public var id: String
    public var seq: JSON
    /// The winning revision, or every leaf with `style: .allDocs`.
    public var changes: [RevisionID]
    public var isDeleted: Bool
    /// The winning body, with `includeDocs`.
    public var doc: JSON?

    public init(
        id: String, seq: JSON, changes: [RevisionID], isDeleted: Bool = false, doc: JSON? = nil
    ) {
        self.id = id
        self.seq = seq
        self.changes = changes
        self.isDeleted = isDeleted
        self.doc = doc
    }
}

/// One batch of a changes feed.
public struct ChangesResponse: Sendable, Equatable {
    public var results: [Change]
    /// The sequence to pass as `since` to continue after this batch.
    public var lastSeq: JSON
    /// How many more changes follow this batch, when the source says.
    public var pending: Int?

    public init(results: [Change], lastSeq: JSON, pending: Int? = nil) {
        self.results = results
        self.lastSeq = lastSeq
        self.pending = pending
    }
}
