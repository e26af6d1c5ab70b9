/// Decides a conflicted document's content from its conflicting leaves, the
/// way an application resolves CouchDB conflicts: it reads every live leaf
/// and answers the body to keep, the winner's or a merge.
///
/// ```swift
/// let resolver = ConflictResolver { leaves in
///     leaves.max { ($0["updated"]?.intValue ?? 0) < ($1["updated"]?.intValue ?? 0) }
/// }
/// try await resolveConflicts(in: db, resolver: resolver)
/// ```
public struct ConflictResolver: Sendable {
    /// Given the live leaves' bodies (each with `_id` and `_rev`), the
    /// winner first, answers the body to keep, or `nil` to leave the
    /// document in conflict. Members starting with `_` other than
    /// `_attachments` are ignored.
    public let resolve: @Sendable (_ leaves: [JSON]) async throws -> JSON?

    /// A resolver that calls `resolve` with each conflicted document's leaves.
    public init(_ resolve: @escaping @Sendable (_ leaves: [JSON]) async throws -> JSON?) {
        self.resolve = resolve
    }

    /// Keeps CouchDB's winner and removes the other leaves.
    public static let keepWinner = ConflictResolver { leaves in leaves.first }
}

/// What `resolveConflicts` did.
public struct ConflictResolution: Sendable, Equatable {
    /// Documents whose conflicts were resolved.
    public var resolvedIDs: [String] = []
    /// Leaf revisions deleted.
    public var deletedLeaves = 0

    /// Nothing resolved yet.
    public init() {}
}

/// Resolves every conflicted document of `db` with `resolver`, as CouchDB
/// documents it: the kept body is written as a new revision on the winning
/// branch (unless it is the winner's body already) and each losing leaf is
/// deleted, all in one `bulkDocs` with `new_edits=true`, so the resolution
/// replicates like any edit.
///
/// - Complexity: reads every live document once, in pages of 100.
@discardableResult
public func resolveConflicts(
    in db: any DocumentDatabase, resolver: ConflictResolver
) async throws -> ConflictResolution {
    var resolution = ConflictResolution()
    var startKey: String?
    while true {
        var options = AllDocsOptions(limit: 100, includeDocs: true, conflicts: true)
        options.startKey = startKey
        options.skip = startKey == nil ? 0 : 1
        let rows = try await db.allDocs(options).rows
        for row in rows {
            guard let doc = row.doc, let conflicts = doc["_conflicts"]?.arrayValue,
                !conflicts.isEmpty
            else { continue }
            try await ConflictResolver.resolve(doc, in: db, with: resolver, into: &resolution)
        }
        guard rows.count == 100, let last = rows.last?.id else { return resolution }
        startKey = last
    }
}

extension ConflictResolver {
    static func resolve(
        _ winner: JSON, in db: any DocumentDatabase, with resolver: ConflictResolver,
        into resolution: inout ConflictResolution
    ) async throws {
        guard let id = winner["_id"]?.stringValue, let rev = winner["_rev"]?.stringValue else {
            return
        }
        let losers = (winner["_conflicts"]?.arrayValue ?? []).compactMap(\.stringValue)
        let revisions = losers.compactMap(RevisionID.init)
        let read = try await db.openRevisions(
            id, revisions: .revisions(revisions), options: .init())
        let bodies = read.compactMap { result -> JSON? in
            if case .ok(let doc) = result { return doc }
            return nil
        }
        var winnerBody = winner
        winnerBody["_conflicts"] = nil
        guard let kept = try await resolver.resolve([winnerBody] + bodies) else { return }

        let writes = edits(id: id, winnerRev: rev, winner: winnerBody, kept: kept, losers: losers)
        let results = try await db.bulkDocs(writes, newEdits: true)
        if let failure = results.first(where: { $0.error != nil })?.error { throw failure }
        resolution.resolvedIDs.append(id)
        resolution.deletedLeaves += losers.count
    }

    /// The kept body on the winning branch (when it differs from the
    /// winner's) and a deletion of each losing leaf.
    static func edits(
        id: String, winnerRev: String, winner: JSON, kept: JSON, losers: [String]
    ) -> [JSON] {
        var writes: [JSON] = []
        if content(of: kept) != content(of: winner) {
            var doc = content(of: kept)
            doc["_id"] = .string(id)
            doc["_rev"] = .string(winnerRev)
            writes.append(doc)
        }
        for loser in losers {
            writes.append(["_id": .string(id), "_rev": .string(loser), "_deleted": true])
        }
        return writes
    }

    /// A body without its `_`-prefixed members other than `_attachments`.
    static func content(of doc: JSON) -> JSON {
        var fields = JSONObject()
        for (key, value) in doc.objectValue ?? JSONObject()
        where !key.hasPrefix("_") || key == "_attachments" {
            fields[key] = value
        }
        return .object(fields)
    }
}
