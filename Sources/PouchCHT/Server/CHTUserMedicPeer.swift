import Pouch

/// The server's `medic` database as one offline user may use it, with the
/// answers of CHT 4.x's API for offline users: reads limited to the
/// documents the user may hold, writes limited to what the user may write
/// (`forbidden`, "Insufficient privileges", for the rest), and the
/// endpoints CHT closes to offline users refused. `CHTServer` serves it
/// for every offline user's request to `medic`; in-process syncs and tests
/// replicate with it directly.
///
/// What the user may hold is the tracker's allowed set, worked out once per
/// state of the index and shared by the user's requests.
public struct CHTUserMedicPeer: ReplicationPeer {
    /// The service deciding what the user may do.
    public let service: CHTReplicationService
    /// The user.
    public let user: CHTUserContext

    public init(service: CHTReplicationService, user: CHTUserContext) {
        self.service = service
        self.user = user
    }

    public var identity: String { service.medic.identity }

    var medic: any DocumentDatabase { service.medic }

    /// The database's summary, which live changes feeds poll; `CHTServer`
    /// does not answer `GET /medic` itself to offline users.
    public func info() async throws -> DatabaseInfo {
        try await medic.info()
    }

    /// The changes of documents the user may hold now. Without a filter, or
    /// with `_doc_ids`, the allowed ids become the `_doc_ids` filter, so
    /// `limit` counts allowed changes; other filters run first and their
    /// results are then narrowed.
    ///
    /// Followed: CHT 3.x's changes feed for offline users (every allowed
    /// document). CHT 4.x answers offline users' `_changes` with the
    /// documents every user gets only, since its clients download through
    /// `get-ids`; allowed documents are a superset that keeps
    /// `CHTUserMedicPeer` usable as a replication source.
    ///
    /// Limitation: a deleted document is no longer in the allowed set, so
    /// its deletion is not in the feed; clients learn it through
    /// `get-deletes`, as CHT 4.x clients do.
    public func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        let allowed = try await allowedIDs()
        var scoped = options
        switch options.filter {
        case .none: scoped.filter = .docIDs(allowed.sorted())
        case .docIDs(let ids): scoped.filter = .docIDs(ids.filter(allowed.contains))
        default: break
        }
        var response = try await medic.changes(scoped)
        response.results.removeAll { !allowed.contains($0.id) }
        return response
    }

    /// Which revisions the server lacks; CHT leaves `_revs_diff` to
    /// CouchDB, so it is not filtered.
    public func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        try await medic.revsDiff(revisions)
    }

    /// The asked revisions of documents the user may hold, a result per
    /// request in order. Followed: CHT's `_bulk_get` for offline users keeps
    /// only revisions read successfully (`ok`) of allowed documents, so a
    /// document the user may not hold, or a revision that cannot be read,
    /// gets a result with no `docs` -- which `CHTServer` leaves out of the
    /// answer, as CHT does.
    public func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        let allowed = try await allowedIDs()
        let permitted = requests.filter { allowed.contains($0.id) }
        var read =
            permitted.isEmpty
            ? [][...] : try await medic.bulkGet(permitted, options: options)[...]
        return requests.map { request in
            guard allowed.contains(request.id), let result = read.popFirst() else {
                return BulkGetResult(id: request.id, docs: [])
            }
            let readable = result.docs.filter {
                if case .ok = $0 { return true } else { return false }
            }
            return BulkGetResult(id: result.id, docs: readable)
        }
    }

    /// Stores what the user may write; every other document is answered
    /// `forbidden` in its place (only failures with `newEdits` false).
    public func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        let verdicts = try await service.allowedWrites(docs, for: user)
        let permitted = zip(docs, verdicts).filter(\.1).map(\.0)
        let written =
            permitted.isEmpty
            ? [] : try await medic.bulkDocs(permitted, newEdits: newEdits)
        let refused = zip(docs, verdicts).filter { !$0.1 }.map { document, _ in
            BulkDocsResult(id: document["_id"]?.stringValue ?? "", error: Self.refusal)
        }
        guard newEdits else { return written + refused }

        // With new edits every document has an answer, in request order.
        var results: [BulkDocsResult] = []
        var next = written.makeIterator()
        var refusals = refused.makeIterator()
        for allowed in verdicts {
            if let result = allowed ? next.next() : refusals.next() { results.append(result) }
        }
        return results
    }

    /// A checkpoint; CHT leaves `_local` documents to CouchDB.
    public func localDocument(_ id: String) async throws -> JSON? {
        try await medic.localDocument(id)
    }

    @discardableResult
    public func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        try await medic.putLocalDocument(doc)
    }

    func allowedIDs() async throws -> Set<String> {
        try await service.allowedIDs(for: user)
    }

    /// CHT's refusal of a document the user may not touch: 403
    /// `{"error": "forbidden", "reason": "Insufficient privileges"}`.
    static let refusal = PouchError.forbidden("Insufficient privileges")

    /// CHT's refusal of an endpoint closed to offline users (CHT writes
    /// the reason under `details`, with `"code": 403`).
    static let firewall = PouchError.forbidden(
        "Offline users are not allowed access to this endpoint")
}
