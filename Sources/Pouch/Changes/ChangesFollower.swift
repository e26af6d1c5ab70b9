/// A named, durable consumer of a database's changes feed: it hands each
/// change to a handler in sequence order and records how far it got in the
/// `_local/<name>` document of that database, so that after a restart it
/// resumes where it stopped.
///
/// This is what CHT's Sentinel does with `_local/sentinel-meta-data` and its
/// `processed_seq`: the checkpoint document here is
/// `{"_id": "_local/<name>", "processed_seq": <seq>}`, the sequence kept
/// exactly as the database sent it. The position advances only past
/// changes whose handler returned, so every change is handled at least
/// once and none is skipped; a change handled after the last checkpoint
/// is handed again after a crash. A handler that throws stops the follower
/// with its error, after the changes before it are checkpointed.
///
/// Run one follower of a given name at a time: two would both write the
/// checkpoint document.
///
/// ```swift
/// let follower = ChangesFollower(database: db, name: "outbox") { change in
///     try await send(change)
/// }
/// try await follower.run()
/// ```
public struct ChangesFollower: Sendable {
    /// What a follower does with each change.
    public typealias Handler = @Sendable (Change) async throws -> Void

    /// When a follower writes its checkpoint, besides when it has caught up
    /// and when it stops.
    public struct CheckpointPolicy: Sendable, Equatable {
        /// After this many handled changes.
        public var changes: Int
        /// Or once this long has passed since the last checkpoint, checked
        /// as each change is handled.
        public var interval: Duration?

        /// A checkpoint every `changes` changes, or once `interval` has
        /// passed, whichever comes first.
        public init(changes: Int = 1, interval: Duration? = nil) {
            precondition(changes > 0, "a checkpoint covers at least one change")
            self.changes = changes
            self.interval = interval
        }

        /// A checkpoint after every change: the fewest changes handed
        /// twice after a crash, one write per change.
        public static let everyChange = CheckpointPolicy()
    }

    /// The database followed, which also keeps the checkpoint.
    public let database: any DocumentDatabase
    /// The follower's name: its checkpoint is `_local/<name>`.
    public let name: String
    /// Filters and document options of the feed; `since` is where a
    /// follower without a checkpoint starts; `limit` is the most changes
    /// read at once (100 when `nil`).
    public let options: ChangesOptions
    /// When the checkpoint is written.
    public let checkpointPolicy: CheckpointPolicy
    let handler: Handler

    /// A follower of `database` named `name`, handing each change to
    /// `handler`.
    public init(
        database: any DocumentDatabase, name: String, options: ChangesOptions = ChangesOptions(),
        checkpointPolicy: CheckpointPolicy = .everyChange, handler: @escaping Handler
    ) {
        precondition(!name.isEmpty, "a changes follower needs a name")
        self.database = database
        self.name = name
        self.options = options
        self.checkpointPolicy = checkpointPolicy
        self.handler = handler
    }

    /// The id of the checkpoint document, `_local/<name>`.
    public var checkpointID: String { "_local/\(name)" }

    /// The sequence recorded in the checkpoint, or `nil` before the first.
    public func processedSequence() async throws -> JSON? {
        try await database.localDocument(checkpointID)?["processed_seq"]
    }

    /// Follows the feed until the task is cancelled: hands every change
    /// after the checkpoint, then each new one as it happens. Cancelling
    /// returns quietly after the checkpoint is written; a failing handler
    /// or database ends it with that error.
    public func run() async throws {
        var session = try await FollowerSession.resume(self)
        do {
            while try await session.drain(), try await session.waitForChange() {}
        } catch {
            await session.saveQuietly()
            throw error
        }
        try await session.finish()
    }

    /// Hands every change after the checkpoint to the handler, writes the
    /// checkpoint and returns how many changes were handled.
    @discardableResult
    public func runOnce() async throws -> Int {
        var session = try await FollowerSession.resume(self)
        do {
            _ = try await session.drain()
        } catch {
            await session.saveQuietly()
            throw error
        }
        try await session.finish()
        return session.handled
    }
}
