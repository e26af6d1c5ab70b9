import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Copies a file database's write-ahead log back into the file on a
/// connection of its own, so a commit only appends to the log.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log
/// past 1,000 pages, and that commit waits for it (about a third of a bulk
/// insert's writer time). Here the writer's WAL hook, called after every
/// commit with the log's length, wakes a thread of lower priority past
/// `threshold` pages instead, which checkpoints (passively) beside the
/// next writes: a checkpoint and a writer do not block each other in WAL
/// mode. Should the
/// log still reach `inlineLimit` pages (readers holding old snapshots, or
/// no second connection), the committing connection checkpoints itself, as
/// SQLite's own hook would. Crash safety is SQLite's: a checkpoint only
/// copies committed pages, and a killed one is redone on the next open.
final class WALCheckpointer: @unchecked Sendable {
    /// Log pages after which a background checkpoint is asked for (SQLite's
    /// default automatic checkpoint threshold).
    static let threshold: Int32 = 1000
    /// Log pages after which the committing connection checkpoints itself.
    static let inlineLimit: Int32 = 16_000

    private let location: String
    private let wakeup = DispatchSemaphore(value: 0)
    private let thread = Mutex<Thread?>(nil)
    private let isQueued = Atomic<Bool>(false)
    private let checkpointsInline = Atomic<Bool>(false)
    // Touched only on the checkpointing thread: opened on the first
    // checkpoint, so a database that never writes 1,000 pages never holds
    // another connection (nor a thread).
    private var connection: Connection?

    private init(location: String) {
        self.location = location
    }

    /// Replaces `writer`'s automatic checkpoint with a background one; the
    /// connection keeps the checkpointer for its life.
    static func install(on writer: Connection, location: String) {
        let checkpointer = WALCheckpointer(location: location)
        writer.walCheckpointer = checkpointer
        let context = Unmanaged.passUnretained(checkpointer).toOpaque()
        sqlite3_wal_hook(
            writer.handle,
            { context, handle, _, pages in
                guard let context, let handle else { return SQLITE_OK }
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                    .committed(pages: pages, on: handle)
                return SQLITE_OK
            }, context)
    }

    /// Called after each commit on the writer with the log's length.
    private func committed(pages: Int32, on handle: OpaquePointer) {
        guard pages >= WALCheckpointer.threshold else { return }
        if pages >= WALCheckpointer.inlineLimit || checkpointsInline.load(ordering: .relaxed) {
            sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        guard !isQueued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        startThreadIfNeeded()
        wakeup.signal()
    }

    /// Starts the checkpointing thread, at a lower priority than the
    /// writer's so it takes idle time rather than the writer's. The thread
    /// ends once the checkpointer is gone.
    private func startThreadIfNeeded() {
        thread.withLock { thread in
            guard thread == nil else { return }
            let wakeup = self.wakeup
            let started = Thread { [weak self] in
                // On Linux a nice value belongs to a thread: 0 names this one.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                while true {
                    wakeup.wait()
                    guard let self else { return }
                    self.checkpoint()
                }
            }
            started.name = "pouch.checkpoint"
            started.start()
            thread = started
        }
    }

    deinit {
        wakeup.signal()
    }

    private func checkpoint() {
        isQueued.store(false, ordering: .releasing)
        do throws(PouchError) {
            if connection == nil {
                // Never creating: a database destroyed since must stay gone.
                let opened = try Connection(location: location, creating: false)
                // A connection opens the log on its first read; until then
                // a passive checkpoint on it does nothing.
                try opened.execute("SELECT count(*) FROM sqlite_schema")
                connection = opened
            }
        } catch {
            Logger.storage.warning("no checkpoint connection, the writer checkpoints: \(error)")
            checkpointsInline.store(true, ordering: .relaxed)
            return
        }
        guard let connection else { return }
        let code = sqlite3_wal_checkpoint_v2(
            connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        if code != SQLITE_OK && code != SQLITE_BUSY {
            Logger.storage.warning("background checkpoint failed with SQLite error \(code)")
        }
    }
}
