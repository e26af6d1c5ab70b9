import Foundation
import Pouch
import PouchServer

/// A scripted tour of CHT offline sync: a CHT-like server on loopback, one
/// community health worker who downloads their subset, edits offline, meets
/// a conflicting edit made on the server, and syncs again, with both sides
/// settling on the revision CouchDB's rule picks.
public struct CHTDemo: Sendable {
    /// What the demo seeds and where it keeps its files.
    public struct Options: Sendable {
        /// How many documents to generate when no archive is given.
        public var documents = 10_000
        /// A folder or archive of JSON documents to seed from instead.
        public var seedPath: String?
        /// The folder the demo owns: `server/`, `medic.sqlite`, `meta.sqlite`.
        public var dataDirectory: URL
        /// The generator's seed.
        public var seed: UInt64 = 42

        /// Options with the given data folder and defaults otherwise.
        public init(dataDirectory: URL) {
            self.dataDirectory = dataDirectory
        }
    }

    /// The options the demo runs with.
    public let options: Options
    /// Called with a line describing each step as it happens.
    public let onStep: @Sendable (String) -> Void

    /// A demo with `options`, reporting steps to `onStep`.
    public init(options: Options, onStep: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.onStep = onStep
    }

    /// The server's files.
    public var serverDirectory: URL { options.dataDirectory.appendingPathComponent("server") }
    /// The health worker's local `medic`.
    public var medicPath: String {
        options.dataDirectory.appendingPathComponent("medic.sqlite").path
    }
    /// The health worker's local meta database.
    public var metaPath: String { options.dataDirectory.appendingPathComponent("meta.sqlite").path }

    /// Runs every step and answers what happened.
    public func run() async throws -> CHTDemoSummary {
        let clock = ContinuousClock()
        let started = clock.now
        try prepareDirectory()
        let data = try seedData()
        // The first user with a person below their health centre: archives
        // may hold empty centres.
        let staffed = data.users.first { $0.contactID != $0.facilityID }
        guard let user = staffed ?? data.users.first else {
            throw PouchError.badRequest("the seed data has no health centre to give a user")
        }
        onStep("seeding the server with \(data.documents.count) documents")
        let admin = ServerConfiguration.Admin(name: "admin", password: UUID().uuidString)
        let server = try await CHTServer.start(
            dataDirectory: serverDirectory, admin: admin, users: data.users,
            documents: data.documents)
        defer { server.stop() }
        onStep("server listening on \(server.url.absoluteString); user \(user.name)")
        var summary = try await tour(server: server, user: user)
        summary.serverDocuments = data.documents.count
        summary.seconds = Self.seconds(clock.now - started)
        return summary
    }

    /// The health worker's part: sync, edit offline, conflict, sync again.
    private func tour(server: CHTServer, user: CHTGeneratedUser) async throws -> CHTDemoSummary {
        let medic = try Database(path: medicPath)
        let meta = try Database(path: metaPath)
        let sync = CHTSync(
            server: server.url, username: user.name, password: user.password,
            medic: medic, meta: meta)
        let clock = ContinuousClock()
        var started = clock.now
        let first = try await sync.run()
        var syncTime = clock.now - started
        onStep(
            "first sync: medic listed \(first.listed), fetched \(first.downloaded); "
                + "meta pulled \(first.metaDownloaded)")
        let edits = try await CHTDemoEdits(medic: medic, meta: meta, user: user).make()
        onStep("offline: edited \(edits.personID), wrote report \(edits.reportID), meta docs")
        let serverRev = try await edits.editOnServer(server.service.medic)
        onStep("server: admin edited \(edits.personID) as \(serverRev)")
        started = clock.now
        let second = try await sync.run()
        syncTime += clock.now - started
        onStep(
            "second sync: medic pushed \(second.uploaded), fetched \(second.downloaded); "
                + "meta pushed \(second.metaUploaded), pulled \(second.metaDownloaded)")
        let conflict = try await CHTDemoConflict.resolve(
            id: edits.personID, revisions: [edits.personRev, serverRev],
            local: medic, server: server.service.medic)
        var summary = try await summary(
            user: user, reports: [first, second], conflict: conflict, medic: medic)
        summary.syncSeconds = Self.seconds(syncTime)
        return summary
    }

    private func summary(
        user: CHTGeneratedUser, reports: [CHTSyncReport], conflict: CHTDemoConflict,
        medic: Database
    ) async throws -> CHTDemoSummary {
        var summary = CHTDemoSummary(user: user.name, conflict: conflict)
        summary.held = try await medic.info().docCount
        summary.listed = reports.last?.listed ?? 0
        summary.pulled = reports.reduce(0) { $0 + $1.downloaded + $1.metaDownloaded }
        summary.pushed = reports.reduce(0) { $0 + $1.uploaded + $1.metaUploaded }
        summary.pulledMeta = reports.reduce(0) { $0 + $1.metaDownloaded }
        summary.pushedMeta = reports.reduce(0) { $0 + $1.metaUploaded }
        summary.denied = reports.reduce(0) { $0 + $1.forbidden.count }
        summary.conflicts = conflict.revisions.count > 1 ? 1 : 0
        return summary
    }

    /// Removes what earlier runs left in the demo's files and recreates
    /// the folder.
    /// A folder that holds anything else is refused, so a mistyped
    /// `--data` never deletes a user's databases.
    private func prepareDirectory() throws {
        let files = FileManager.default
        let marker = options.dataDirectory.appendingPathComponent(".pouch-demo").path
        let existing = (try? files.contentsOfDirectory(atPath: options.dataDirectory.path)) ?? []
        if !existing.isEmpty, !files.fileExists(atPath: marker) {
            throw PouchError(
                .fileExists,
                "\(options.dataDirectory.path) is not empty and was not made by "
                    + "pouch demo; choose another --data folder", status: 412)
        }
        try files.createDirectory(at: options.dataDirectory, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: marker))
        for base in [medicPath, metaPath] {
            for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: base + suffix) }
        }
        try? files.removeItem(at: serverDirectory)
        try files.createDirectory(at: serverDirectory, withIntermediateDirectories: true)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
