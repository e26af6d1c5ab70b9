import Pouch

/// How a document edited on both sides resolved: the competing
/// revisions, the winner by CouchDB's rule (highest generation, then the
/// highest hash), and the winner each side reports.
public struct CHTDemoConflict: Sendable, Equatable {
    /// The document edited on both sides.
    public var id: String
    /// The competing revisions: the offline edit, then the server's.
    public var revisions: [String]
    /// The winner CouchDB's rule picks among `revisions`.
    public var expectedWinner: String
    /// The winning revision in the local database.
    public var localWinner: String
    /// The winning revision on the server.
    public var serverWinner: String
    /// The losing leaves the server lists in `_conflicts`.
    public var serverConflicts: [String]

    /// Whether both sides hold the winner CouchDB's rule picks.
    public var isAgreed: Bool { localWinner == expectedWinner && serverWinner == expectedWinner }

    /// Reads both sides' winners for `id`.
    static func resolve(
        id: String, revisions: [String], local: any DocumentDatabase,
        server: any DocumentDatabase
    ) async throws -> CHTDemoConflict {
        var options = GetOptions()
        options.conflicts = true
        let localDoc = try await local.get(id, options: options)
        let serverDoc = try await server.get(id, options: options)
        let expected = revisions.compactMap(RevisionID.init).max()?.description ?? ""
        return CHTDemoConflict(
            id: id, revisions: revisions, expectedWinner: expected,
            localWinner: localDoc["_rev"]?.stringValue ?? "",
            serverWinner: serverDoc["_rev"]?.stringValue ?? "",
            serverConflicts: serverDoc["_conflicts"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// The outcome as JSON.
    public var json: JSON {
        [
            "id": .string(id), "revisions": .array(revisions.map(JSON.string)),
            "winner": .string(expectedWinner), "local_winner": .string(localWinner),
            "server_winner": .string(serverWinner),
            "server_conflicts": .array(serverConflicts.map(JSON.string)),
            "agreed": .bool(isAgreed),
        ]
    }
}
