import Foundation
import Pouch
import PouchCHT

/// One user's local databases and the `CHTSync` between them and the
/// server, run once per round by `pouch cht-sync`.
struct CHTSyncSession: Sendable {
    let target: CHTSyncTarget
    let medic: Database
    let meta: Database
    let sync: CHTSync
    let remoteMeta: RemoteDatabase
    let terminal: Terminal

    init(target: CHTSyncTarget, password: String, terminal: Terminal) throws {
        try DataFolder.create(target.data)
        let folder = URL(fileURLWithPath: target.data)
        medic = try Database(path: folder.appendingPathComponent("medic.sqlite").path)
        meta = try Database(path: folder.appendingPathComponent("meta.sqlite").path)
        sync = CHTSync(
            server: target.url, username: target.user, password: password, medic: medic,
            meta: meta)
        let metaURL = target.url.appendingPathComponent(CHTRules.metaDatabaseName(for: target.user))
        remoteMeta = RemoteDatabase(
            url: metaURL, credentials: .cookie(username: target.user, password: password))
        self.target = target
        self.terminal = terminal
        WriteFailures.showReplicationWarnings(terminal)
    }

    /// Uploads, downloads, then syncs meta, drawing a progress line.
    func runOnce() async throws -> CHTSyncSummary {
        let clock = ContinuousClock()
        let started = clock.now
        terminal.progress("cht-sync: uploading", done: 0, total: 3)
        let upload = try await sync.upload()
        terminal.progress("cht-sync: downloading", done: 1, total: 3)
        var report = try await sync.download()
        terminal.progress("cht-sync: syncing meta", done: 2, total: 3)
        let meta = try await sync.syncMeta()
        terminal.endProgress()
        report.uploaded = upload.uploaded
        report.forbidden = upload.forbidden
        report.metaUploaded = meta.uploaded
        report.metaDownloaded = meta.downloaded
        report.metaRemoved = meta.removed
        report.failed = upload.failed + meta.failed
        let elapsed = clock.now - started
        return CHTSyncSummary(
            report: report,
            seconds: Double(elapsed.components.seconds)
                + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Returns when the local `medic` or meta database or the server's meta
    /// database changes, or after `seconds`, whichever comes first.
    // Limitation: the server's `medic` is not watched (CHT filters its
    // `_changes` per user); its changes arrive at the next interval.
    func waitForChange(seconds: Int) async {
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        var options = ChangesOptions()
        options.since = .now
        let watchers = [
            Task { try? await Task.sleep(for: .seconds(seconds)) },
            Self.firstChange(of: medic, options), Self.firstChange(of: meta, options),
            Self.firstChange(of: remoteMeta, options),
        ]
        for watcher in watchers {
            Task {
                await watcher.value
                continuation.yield()
            }
        }
        var iterator = signals.makeAsyncIterator()
        _ = await iterator.next()
        for watcher in watchers { watcher.cancel() }
    }

    private static func firstChange(
        of database: RemoteDatabase, _ options: ChangesOptions
    ) -> Task<Void, Never> {
        Task {
            var changes = database.liveChanges(options).makeAsyncIterator()
            if (try? await changes.next()) == nil { try? await Task.sleep(for: .seconds(86_400)) }
        }
    }

    /// Polls a local file, since the app writing it may be another process
    /// (a `Database`'s own live feed wakes only on this process's commits).
    private static func firstChange(
        of database: Database, _ options: ChangesOptions
    ) -> Task<Void, Never> {
        Task {
            let feed = PolledChangesFeed(
                peer: database, options: options, pollInterval: .seconds(1))
            var changes = feed.makeAsyncIterator()
            if (try? await changes.next()) == nil { try? await Task.sleep(for: .seconds(86_400)) }
        }
    }
}
