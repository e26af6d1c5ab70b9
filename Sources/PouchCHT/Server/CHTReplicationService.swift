import Pouch

/// CHT's replication API for offline users, over a local `medic`
/// database and without HTTP: what `CHTServer` answers, and what an
/// in-process client can call directly.
public final class CHTReplicationService: Sendable {
    /// The `medic` database.
    public let medic: any DocumentDatabase
    /// The index of who may hold what, kept current.
    public let tracker: CHTAccessTracker
    /// The number of listed documents past which users are warned.
    public let warnLimit: Int

    /// A service over `medic`.
    public init(medic: any DocumentDatabase, warnLimit: Int = CHTGetIDsResponse.warnLimit) {
        self.medic = medic
        tracker = CHTAccessTracker(database: medic)
        self.warnLimit = warnLimit
    }

    /// `GET /api/v1/replication/get-ids`: every document `user` may hold,
    /// at its winning revision, with the server's sequence.
    public func getIDs(for user: CHTUserContext) async throws -> CHTGetIDsResponse {
        let (index, lastSeq) = try await tracker.current()
        let rows = index.allowedDocumentIDs(for: user).compactMap { id in
            index.revisions[id].map { CHTDocumentRevision(id: id, rev: $0) }
        }
        return CHTGetIDsResponse(documents: rows, lastSeq: lastSeq, limit: warnLimit)
    }

    /// `POST /api/v1/replication/get-deletes`: which of `ids` were deleted
    /// or may no longer be held by `user`.
    public func getDeletes(_ ids: [String], for user: CHTUserContext) async throws -> [String] {
        try await tracker.current().index.removals(among: ids, for: user)
    }

    /// The ids of every live document `user` may hold.
    public func allowedIDs(for user: CHTUserContext) async throws -> Set<String> {
        try await tracker.allowedIDs(for: user)
    }

    /// For each document of a write batch, whether `user` may store it.
    public func allowedWrites(_ batch: [JSON], for user: CHTUserContext) async throws -> [Bool] {
        let index = try await tracker.current().index
        let ids = batch.compactMap { $0["_id"]?.stringValue }
        var stored: [String: JSON] = [:]
        if !ids.isEmpty {
            let rows = try await medic.allDocs(AllDocsOptions(keys: ids, includeDocs: true)).rows
            for row in rows {
                if let id = row.id, let doc = row.doc, !row.isDeleted { stored[id] = doc }
            }
        }
        return CHTWriteAuthorization.allowedWrites(batch, stored: stored, index: index, user: user)
    }
}

/// The two calls of CHT's replication API a client needs; answered over
/// HTTP by `CHTAPIClient`, or in process by `CHTReplicationService`.
public protocol CHTReplicationAPI: Sendable {
    /// The documents the user may hold (`get-ids`).
    func getIDs() async throws -> CHTGetIDsResponse
    /// Which of `ids` the user must let go of (`get-deletes`).
    func getDeletes(_ ids: [String]) async throws -> [String]
}

extension CHTAPIClient: CHTReplicationAPI {}

extension CHTReplicationService {
    /// This service answering for one user, as a `CHTReplicationAPI`.
    public func api(for user: CHTUserContext) -> some CHTReplicationAPI {
        UserBoundAPI(service: self, user: user)
    }
}

/// A `CHTReplicationService` with its user fixed.
private struct UserBoundAPI: CHTReplicationAPI {
    let service: CHTReplicationService
    let user: CHTUserContext

    func getIDs() async throws -> CHTGetIDsResponse {
        try await service.getIDs(for: user)
    }

    func getDeletes(_ ids: [String]) async throws -> [String] {
        try await service.getDeletes(ids, for: user)
    }
}
