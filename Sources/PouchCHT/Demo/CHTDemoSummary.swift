import Pouch

/// What `CHTDemo` did: the counts a reader checks against the server.
public struct CHTDemoSummary: Sendable, Equatable {
    /// The health worker's user name.
    public var user: String
    /// Documents the server was seeded with.
    public var serverDocuments = 0
    /// Documents in the local `medic` at the end (CouchDB's `doc_count`).
    public var held = 0
    /// Documents the server listed for the user in the last sync.
    public var listed = 0
    /// Documents fetched from the server (`medic` and meta).
    public var pulled = 0
    /// Documents the server accepted from the user (`medic` and meta).
    public var pushed = 0
    /// Of `pulled`, the documents of the user's meta database.
    public var pulledMeta = 0
    /// Of `pushed`, the documents of the user's meta database.
    public var pushedMeta = 0
    /// Documents the server refused.
    public var denied = 0
    /// Documents that ended with conflicting revisions.
    public var conflicts = 0
    /// How the conflicting edit of one person resolved.
    public var conflict: CHTDemoConflict
    /// Wall time of the whole demo, seeding the server included.
    public var seconds = 0.0
    /// Wall time of the two syncs.
    public var syncSeconds = 0.0

    /// Documents moved (pulled and pushed) per second of syncing.
    public var documentsPerSecond: Double {
        syncSeconds > 0 ? Double(pulled + pushed) / syncSeconds : 0
    }

    /// The summary as one JSON object.
    public var json: JSON {
        [
            "user": .string(user), "server_docs": .int(Int64(serverDocuments)),
            "held": .int(Int64(held)), "listed": .int(Int64(listed)),
            "pulled": .int(Int64(pulled)), "pushed": .int(Int64(pushed)),
            "pulled_meta": .int(Int64(pulledMeta)), "pushed_meta": .int(Int64(pushedMeta)),
            "denied": .int(Int64(denied)), "conflicts": .int(Int64(conflicts)),
            "conflict": conflict.json, "seconds": .double(seconds),
            "sync_seconds": .double(syncSeconds),
            "docs_per_second": .double(documentsPerSecond),
        ]
    }
}
