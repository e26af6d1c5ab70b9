import Foundation

/// Which revisions `openRevisions` returns.
public enum OpenRevisions: Sendable, Equatable {
    /// Every leaf of the revision tree, deleted ones included.
    case all
    /// The given revisions (with `latest`, their newest leaf descendants).
    case revisions([RevisionID])
}

/// What `get` adds to a document, after CouchDB's `GET /db/doc` options.
public struct GetOptions: Sendable, Equatable {
    /// A specific revision instead of the winner.
    public var rev: RevisionID?
    /// Adds `_revisions: {start, ids}`, the path from this revision to its root.
    public var revs = false
    /// Adds `_revs_info`, each ancestor with `available`, `missing` or `deleted`.
    public var revsInfo = false
    /// Adds `_conflicts`, the other live leaves (winner only).
    public var conflicts = false
    /// Adds `_deleted_conflicts`, the other deleted leaves (winner only).
    public var deletedConflicts = false
    /// Adds `_local_seq`, the sequence of the document's last change.
    public var localSeq = false
    /// Inline attachment bodies as base64 `data` instead of stubs.
    public var attachments = false
    /// Inline only attachments added after any of these revisions.
    public var attsSince: [RevisionID]? = nil
    /// With `openRevisions`, follow each asked revision to its newest leaves;
    /// with `rev`, read its newest leaf (the winning one when it has several).
    public var latest = false

    /// CouchDB's `meta=true`: `conflicts`, `deletedConflicts` and
    /// `revsInfo` together. Reads `true` only when all three are set.
    public var meta: Bool {
        get { conflicts && deletedConflicts && revsInfo }
        set {
            conflicts = newValue
            deletedConflicts = newValue
            revsInfo = newValue
        }
    }

    public init(
        rev: RevisionID? = nil, revs: Bool = false, revsInfo: Bool = false,
        conflicts: Bool = false, deletedConflicts: Bool = false, localSeq: Bool = false,
        attachments: Bool = false, attsSince: [RevisionID]? = nil, latest: Bool = false
    ) {
        self.rev = rev
        self.revs = revs
        self.revsInfo = revsInfo
        self.conflicts = conflicts
        self.deletedConflicts = deletedConflicts
        self.localSeq = localSeq
        self.attachments = attachments
        self.attsSince = attsSince
        self.latest = latest
    }
}

/// One answer of `openRevisions`: the document at a revision, or the
/// revision that was asked for and is not held.
public enum OpenRevisionResult: Sendable, Equatable {
    case ok(JSON)
    case missing(RevisionID)
}

/// The answer to a single-document write.
public struct WriteResult: Sendable, Equatable {
    public var id: String
    public var rev: RevisionID

    public init(id: String, rev: RevisionID) {
        self.id = id
        self.rev = rev
    }
}

/// One row of a `bulkDocs` answer: the new revision, or the error for that
/// document (`conflict`, `forbidden`, `illegal_docid`, …).
public struct BulkDocsResult: Sendable, Equatable {
    public var id: String
    public var rev: RevisionID?
    public var error: PouchError?

    public init(id: String, rev: RevisionID? = nil, error: PouchError? = nil) {
        self.id = id
        self.rev = rev
        self.error = error
    }
}

/// What `allDocs` lists, after CouchDB's `GET /db/_all_docs` options.
///
/// Ids are ordered by raw UTF-8 bytes (Unicode code points), as CouchDB
/// orders `_all_docs`.
public struct AllDocsOptions: Sendable, Equatable {
    /// Exactly these ids, in this order, with a row for each (missing and
    /// deleted ids included).
    public var keys: [String]? = nil
    public var startKey: String? = nil
    public var endKey: String? = nil
    public var inclusiveEnd = true
    public var descending = false
    public var skip = 0
    public var limit: Int? = nil
    public var includeDocs = false
    public var conflicts = false
    public var attachments = false
    public var updateSeq = false

    public init(
        keys: [String]? = nil, startKey: String? = nil, endKey: String? = nil,
        inclusiveEnd: Bool = true, descending: Bool = false, skip: Int = 0,
        limit: Int? = nil, includeDocs: Bool = false, conflicts: Bool = false,
        attachments: Bool = false, updateSeq: Bool = false
    ) {
        self.keys = keys
        self.startKey = startKey
        self.endKey = endKey
        self.inclusiveEnd = inclusiveEnd
        self.descending = descending
        self.skip = skip
        self.limit = limit
        self.includeDocs = includeDocs
        self.conflicts = conflicts
        self.attachments = attachments
        self.updateSeq = updateSeq
    }
}

/// One row of `allDocs`.
public struct AllDocsRow: Sendable, Equatable {
    /// The id; `nil` only in a `keys` row for an id never stored.
    public var id: String?
    public var key: String
    /// The winning revision.
    public var rev: RevisionID?
    /// Set in a `keys` row for a deleted document.
    public var isDeleted = false
    /// The winning body with `include_docs` (`nil` for a deleted one).
    public var doc: JSON?
    /// `not_found` in a `keys` row for an id never stored.
    public var error: String?

    public init(
        id: String?, key: String, rev: RevisionID? = nil, isDeleted: Bool = false,
        doc: JSON? = nil, error: String? = nil
    ) {
        self.id = id
        self.key = key
        self.rev = rev
        self.isDeleted = isDeleted
        self.doc = doc
        self.error = error
    }
}

/// The answer of `allDocs`.
public struct AllDocsResponse: Sendable, Equatable {
    /// The number of live documents in the database.
    public var totalRows: Int
    /// How many rows come before the first one returned (at most
    /// `totalRows`); 0 with `keys`, where CouchDB sends null.
    public var offset: Int
    public var rows: [AllDocsRow]
    /// With `updateSeq`, the database's sequence when it was read; `nil`
    /// with `keys`, where CouchDB sends null.
    public var updateSeq: JSON?

    public init(totalRows: Int, offset: Int, rows: [AllDocsRow], updateSeq: JSON? = nil) {
        self.totalRows = totalRows
        self.offset = offset
        self.rows = rows
        self.updateSeq = updateSeq
    }
}

/// A database's summary, after CouchDB's `GET /db`.
public struct DatabaseInfo: Sendable, Equatable {
    public var name: String
    public var docCount: Int
    public var docDelCount: Int
    /// The latest sequence; opaque to anyone but the database that made it.
    public var updateSeq: JSON
    /// Bytes on disk (`file`), of live data (`active`) and uncompressed
    /// document bodies (`external`).
    public var sizes: Sizes
    /// A value that changes when the database is destroyed and re-created.
    public var instanceStartTime: String
    /// How many purges the database has recorded, when it says.
    public var purgeSeq: JSON?

    public struct Sizes: Sendable, Equatable {
        public var file: Int
        public var active: Int
        public var external: Int

        public init(file: Int, active: Int, external: Int) {
            self.file = file
            self.active = active
            self.external = external
        }
    }

    public init(
        name: String, docCount: Int, docDelCount: Int, updateSeq: JSON,
        sizes: Sizes, instanceStartTime: String = "0", purgeSeq: JSON? = nil
    ) {
        self.name = name
        self.docCount = docCount
        self.docDelCount = docDelCount
        self.updateSeq = updateSeq
        self.sizes = sizes
        self.instanceStartTime = instanceStartTime
        self.purgeSeq = purgeSeq
    }
}

/// An attachment's bytes and description, as read by `getAttachment`.
public struct AttachmentData: Sendable, Equatable {
    public var data: Data
    public var contentType: String
    /// `md5-<base64>`, as CouchDB writes it.
    public var digest: String

    public init(data: Data, contentType: String, digest: String) {
        self.data = data
        self.contentType = contentType
        self.digest = digest
    }
}
