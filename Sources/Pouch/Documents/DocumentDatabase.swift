import Foundation

/// The document API a local `Database` and a `RemoteDatabase` both offer,
/// with CouchDB 3.x's semantics, so code (and one behavioural test suite)
/// does not care which side it talks to.
public protocol DocumentDatabase: ReplicationPeer {
    /// The live changes feed's type: `LocalChangesFeed` for a `Database`,
    /// `RemoteChangesFeed` for a `RemoteDatabase`. Through
    /// `any DocumentDatabase` it is seen as
    /// `any AsyncSequence<Change, any Error> & Sendable`.
    associatedtype LiveChangesFeed: AsyncSequence<Change, any Error> & Sendable =
        PolledChangesFeed<Self>

    /// The live changes feed, after CouchDB's `feed=continuous`: every
    /// change after `options.since`, then each new change as it happens,
    /// until the iterating task is cancelled.
    func liveChanges(_ options: ChangesOptions) -> LiveChangesFeed

    /// The winning revision of a document, or the revision `options.rev`.
    ///
    /// Throws `not_found` with reason `missing` or `deleted`.
    func get(_ id: String, options: GetOptions) async throws -> JSON

    /// Several revisions of a document at once (CouchDB's `open_revs`).
    func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) async throws -> [OpenRevisionResult]

    /// Creates or updates a document: `_id` required, `_rev` for an update.
    @discardableResult
    func put(_ doc: JSON) async throws -> WriteResult

    /// Creates a document under a generated id.
    @discardableResult
    func post(_ doc: JSON) async throws -> WriteResult

    /// Deletes a revision, leaving a tombstone.
    @discardableResult
    func remove(_ id: String, rev: RevisionID) async throws -> WriteResult

    /// Lists documents by id, after CouchDB's `_all_docs`.
    func allDocs(_ options: AllDocsOptions) async throws -> AllDocsResponse

    /// Adds or replaces an attachment, creating the document when `rev` is
    /// `nil` and it does not exist.
    @discardableResult
    func putAttachment(
        docID: String, name: String, rev: RevisionID?, data: Data, contentType: String
    ) async throws -> WriteResult

    /// An attachment of the winning revision, or of `rev`.
    func getAttachment(
        docID: String, name: String, rev: RevisionID?
    ) async throws
        -> AttachmentData

    /// Removes an attachment, making a new revision.
    @discardableResult
    func removeAttachment(
        docID: String, name: String, rev: RevisionID
    ) async throws
        -> WriteResult

    /// Documents matching a Mango query.
    func find(_ query: FindQuery) async throws -> FindResponse

    /// Creates a Mango JSON index.
    @discardableResult
    func createIndex(_ index: IndexDefinition) async throws -> CreateIndexResult

    /// The indexes, the primary `_all_docs` index first.
    func indexes() async throws -> [IndexInfo]

    /// Deletes the index `name` of design document `ddoc`.
    func deleteIndex(ddoc: String, name: String) async throws

    /// Deletes a `_local` document.
    func removeLocalDocument(_ id: String, rev: RevisionID) async throws
}

extension DocumentDatabase where LiveChangesFeed == PolledChangesFeed<Self> {
    /// A live changes feed that polls `changes`, for a database that has no
    /// feed of its own. See `PolledChangesFeed`.
    public func liveChanges(_ options: ChangesOptions) -> PolledChangesFeed<Self> {
        PolledChangesFeed(peer: self, options: options)
    }
}

extension DocumentDatabase {
    /// The winning revision of a document.
    public func get(_ id: String) async throws -> JSON {
        try await get(id, options: GetOptions())
    }

    /// Every document, without bodies.
    public func allDocs() async throws -> AllDocsResponse {
        try await allDocs(AllDocsOptions())
    }
}
