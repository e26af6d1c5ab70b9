import Pouch

/// Keeps a `CHTAccessIndex` of a `medic` database current by reading its
/// changes feed, as CHT's views are kept current by CouchDB.
public actor CHTAccessTracker {
    /// The database followed.
    public let database: any ReplicationPeer
    private var index = CHTAccessIndex()
    private var lastSeq: ChangesSince = .start
    private var seenSeq: JSON = 0
    /// Changes read per request of the feed.
    private let batchSize = 1000
    /// Each user's allowed ids for the index as it stands; emptied when a
    /// change arrives.
    private var allowedByUser: [CHTUserContext: Set<String>] = [:]

    /// Follows `database` from its first change.
    public init(database: any ReplicationPeer) {
        self.database = database
    }

    /// The index after every change so far, and the sequence it reflects.
    ///
    /// - Complexity: O(*c*) for *c* changes since the last call.
    public func current() async throws -> (index: CHTAccessIndex, lastSeq: JSON) {
        while true {
            let options = ChangesOptions(since: lastSeq, limit: batchSize, includeDocs: true)
            let batch = try await database.changes(options)
            if !batch.results.isEmpty { allowedByUser = [:] }
            for change in batch.results {
                if let document = change.doc {
                    index.update(with: document)
                } else if change.isDeleted {
                    index.update(with: ["_id": .string(change.id), "_deleted": true])
                }
            }
            lastSeq = .sequence(batch.lastSeq)
            seenSeq = batch.lastSeq
            if batch.results.count < batchSize { break }
        }
        return (index, seenSeq)
    }

    /// The ids of every document `user` may hold now, worked out once per
    /// user for each state of the index, so that the requests of one sync
    /// (a `_bulk_get` per 100 documents) share it.
    ///
    /// - Complexity: O(*c*) for *c* new changes, plus O(*s* + *r*) (see
    ///   `CHTAccessIndex.allowedDocumentIDs(for:)`) when not cached.
    public func allowedIDs(for user: CHTUserContext) async throws -> Set<String> {
        _ = try await current()
        if let cached = allowedByUser[user] { return cached }
        let allowed = Set(index.allowedDocumentIDs(for: user))
        allowedByUser[user] = allowed
        return allowed
    }
}
