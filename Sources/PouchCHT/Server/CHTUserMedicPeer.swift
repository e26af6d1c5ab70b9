import Pouch

/// The server's `medic` database as one offline user may use it: reads
/// limited to the documents the user may hold, and writes limited to what
/// the user may write, each refused document answered
/// `{"id", "error": "forbidden"}` as CHT's API does. `CHTServer` serves it;
/// in-process syncs and tests replicate with it directly.
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

    public func info() async throws -> DatabaseInfo {
        try await service.medic.info()
    }

    /// The changes of documents the user may hold.
    public func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        var response = try await service.medic.changes(options)
        let allowed = try await allowedIDs()
        response.results = response.results.filter { allowed.contains($0.id) }
        return response
    }

    public func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        try await service.medic.revsDiff(revisions)
    }

    /// The asked documents the user may hold; `forbidden` for the others.
    public func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        let allowed = try await allowedIDs()
        let permitted = requests.filter { allowed.contains($0.id) }
        var answered = try await service.medic.bulkGet(permitted, options: options)
        for request in requests where !allowed.contains(request.id) {
            let refusal = BulkGetResult.Item.error(
                id: request.id, rev: request.rev?.description, error: Self.refusal)
            answered.append(BulkGetResult(id: request.id, docs: [refusal]))
        }
        return answered
    }

    /// Stores what the user may write; every other document is answered
    /// `forbidden` in its place (only failures with `newEdits` false).
    public func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        let verdicts = try await service.allowedWrites(docs, for: user)
        let permitted = zip(docs, verdicts).filter(\.1).map(\.0)
        let written =
            permitted.isEmpty
            ? [] : try await service.medic.bulkDocs(permitted, newEdits: newEdits)
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

    public func localDocument(_ id: String) async throws -> JSON? {
        try await service.medic.localDocument(id)
    }

    @discardableResult
    public func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        try await service.medic.putLocalDocument(doc)
    }

    private func allowedIDs() async throws -> Set<String> {
        Set(try await service.tracker.current().index.allowedDocumentIDs(for: user))
    }

    /// CHT's refusal of a document the user may not touch.
    static let refusal = PouchError.forbidden("Insufficient privileges")
}
