/// Two-way replication between a local and a remote database, both
/// directions live and retrying, as PouchDB's `sync` does: a push
/// (local to remote) and a pull (remote to local), reported together and
/// cancelled together.
///
/// ```swift
/// let sync = Sync(local: db, remote: server)
/// sync.start()
/// for await event in sync.events { print(event.direction, event.event) }
/// ```
public final class Sync: Sendable {
    /// Which way a replication of the pair goes.
    public enum Direction: String, Sendable, Equatable {
        /// Local to remote.
        case push
        /// Remote to local.
        case pull
    }

    /// An event of one direction.
    public struct Event: Sendable, Equatable {
        /// Which replication reported it.
        public var direction: Direction
        /// What it reported.
        public var event: ReplicationEvent
    }

    /// Local to remote.
    public let push: Replication
    /// Remote to local.
    public let pull: Replication

    /// Both directions with `options`, made live with retry.
    public convenience init(
        local: any ReplicationPeer, remote: any ReplicationPeer,
        options: ReplicationOptions = ReplicationOptions()
    ) {
        self.init(local: local, remote: remote, push: options, pull: options)
    }

    /// Each direction with its own options (a filter for the pull only, say),
    /// both made live with retry.
    public init(
        local: any ReplicationPeer, remote: any ReplicationPeer,
        push: ReplicationOptions, pull: ReplicationOptions
    ) {
        self.push = Replication(source: local, target: remote, options: Sync.live(push))
        self.pull = Replication(source: remote, target: local, options: Sync.live(pull))
    }

    private static func live(_ options: ReplicationOptions) -> ReplicationOptions {
        var options = options
        options.live = true
        options.retry = true
        return options
    }

    /// Both directions' events from now on, ending when both have ended.
    /// Subscribe before `start()` to see them all.
    public var events: AsyncStream<Event> {
        let sources = [(Direction.push, push.events), (Direction.pull, pull.events)]
        return AsyncStream { continuation in
            let forwarder = Task {
                await withTaskGroup(of: Void.self) { group in
                    for (direction, events) in sources {
                        group.addTask {
                            for await event in events {
                                continuation.yield(Event(direction: direction, event: event))
                            }
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in forwarder.cancel() }
        }
    }

    /// Starts both directions.
    public func start() {
        push.start()
        pull.start()
    }

    /// Stops both directions; their checkpoints stay for the next sync.
    public func cancel() {
        push.cancel()
        pull.cancel()
    }

    /// Starts both directions and waits until both end, which for a live
    /// sync is when it is cancelled (cancelling the calling task cancels
    /// it) or an error other than a transient one stops a direction.
    ///
    /// - Throws: the first direction's error; the other is then cancelled.
    public func run() async throws -> (push: ReplicationResult, pull: ReplicationResult) {
        try await withThrowingTaskGroup(of: (Direction, ReplicationResult).self) { group in
            group.addTask { (.push, try await self.push.run()) }
            group.addTask { (.pull, try await self.pull.run()) }
            var results: [Direction: ReplicationResult] = [:]
            do {
                while let (direction, result) = try await group.next() {
                    results[direction] = result
                }
            } catch {
                cancel()
                throw error
            }
            return (results[.push]!, results[.pull]!)
        }
    }
}
