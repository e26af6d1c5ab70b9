import Foundation
import Pouch

/// Syncs a local copy of a CHT user's data with a CHT server, the way
/// CHT 4.x's offline clients do.
///
/// One `run()` uploads local changes to `medic` (skipping what
/// `CHTRules.shouldUpload` rejects; documents the server refuses are
/// reported, not retried), downloads what `get-ids` lists and the local
/// copy lacks, marks documents that left the list as purged once
/// `get-deletes` confirms it, then syncs the meta database both ways and
/// removes the feedback and telemetry the server holds.
///
/// ```swift
/// let sync = try CHTSync(
///     server: URL(string: "https://cht.example.org")!, username: "chw_amina",
///     password: secret, medic: localMedic, meta: localMeta)
/// let report = try await sync.run()
/// ```
public final class CHTSync: Sendable {
    /// The local `medic` database.
    public let medic: any DocumentDatabase
    /// The server's `medic` database.
    public let remoteMedic: any ReplicationPeer
    /// The server's replication API for this user.
    public let api: any CHTReplicationAPI
    /// The local meta database, if synced.
    public let meta: (any DocumentDatabase)?
    /// The server's `medic-user-{name}-meta` database, if synced.
    public let remoteMeta: (any DocumentDatabase)?
    /// Documents per `_bulk_get` and upload batch.
    public let batchSize: Int

    /// A sync between the given databases and API; use it to sync in
    /// process or through custom transports.
    public init(
        medic: any DocumentDatabase, remoteMedic: any ReplicationPeer,
        api: any CHTReplicationAPI, meta: (any DocumentDatabase)? = nil,
        remoteMeta: (any DocumentDatabase)? = nil, batchSize: Int = 100
    ) {
        precondition(batchSize > 0, "batchSize must be positive")
        self.medic = medic
        self.remoteMedic = remoteMedic
        self.api = api
        self.meta = meta
        self.remoteMeta = remoteMeta
        self.batchSize = batchSize
    }

    /// A sync with the CHT server at `server` (its root URL), logging in
    /// as `username` with a cookie session.
    public convenience init(
        server: URL, username: String, password: String, medic: any DocumentDatabase,
        meta: (any DocumentDatabase)? = nil, batchSize: Int = 100
    ) {
        let credentials = RemoteCredentials.cookie(username: username, password: password)
        let remoteMedic = RemoteDatabase(
            url: server.appendingPathComponent("medic"), credentials: credentials)
        let remoteMeta = meta.map { _ in
            RemoteDatabase(
                url: Self.metaDatabaseURL(server: server, username: username),
                credentials: credentials)
        }
        self.init(
            medic: medic, remoteMedic: remoteMedic,
            api: CHTAPIClient(serverURL: server, username: username, password: password),
            meta: meta, remoteMeta: remoteMeta, batchSize: batchSize)
    }

    /// Downloads what the server lists and purges what left the list.
    public func download() async throws -> CHTSyncReport {
        let download = CHTDownload(
            local: medic, remote: remoteMedic, api: api, batchSize: batchSize)
        var report = CHTSyncReport()
        let (list, stored) = try await download.fetchListed()
        report.listed = list.docIDsRevs.count
        report.warn = list.warn
        report.downloaded = stored
        report.purged = try await download.purgeUnlisted(list)
        return report
    }

    /// Removes local feedback and telemetry the server's meta database
    /// already holds; returns their ids.
    public func cleanUpMeta() async throws -> [String] {
        guard let meta, let remoteMeta else { return [] }
        return try await CHTMetaCleanup(local: meta, remote: remoteMeta).run()
    }

    /// The URL of a user's meta database below `server`, with the `/` and
    /// `+` a meta database name may hold percent-encoded, as CouchDB wants
    /// them in a path.
    static func metaDatabaseURL(server: URL, username: String) -> URL {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "_$()-")
        let name = CHTRules.metaDatabaseName(for: username)
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        var root = server.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        return URL(string: root + "/" + encoded) ?? server.appendingPathComponent(name)
    }
}
