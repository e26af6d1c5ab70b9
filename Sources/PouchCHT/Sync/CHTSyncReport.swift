import Pouch

/// What one CHT sync did.
public struct CHTSyncReport: Sendable, Equatable {
    /// How many documents the server listed for the user.
    public var listed = 0
    /// Whether the server warned that the list is past its limit.
    public var warn = false
    /// How many documents were fetched and stored locally.
    public var downloaded = 0
    /// The ids marked locally as purged: deleted on the server or no
    /// longer the user's.
    public var purged: [String] = []
    /// How many local changes the server accepted.
    public var uploaded = 0
    /// The ids the server refused to store (`forbidden`), with its reason.
    public var forbidden: [String: String] = [:]
    /// Documents neither written nor refused as `forbidden` (too large for
    /// the server, unreadable): CouchDB's `doc_write_failures` less the
    /// denied ones, in either direction.
    public var failed = 0
    /// Meta documents pushed to and pulled from the server.
    public var metaUploaded = 0
    public var metaDownloaded = 0
    /// Feedback and telemetry removed locally after reaching the server.
    public var metaRemoved: [String] = []

    public init() {}
}
