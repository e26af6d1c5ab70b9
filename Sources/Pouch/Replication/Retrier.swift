/// Runs a replication step, retrying transient failures with backoff when
/// the replication's `retry` option is on, as CouchDB's and PouchDB's
/// replicators do; reports `paused(error)` before each wait and `active`
/// after a success that follows a failure.
///
/// `Sendable`, so the step that reads the next batch ahead can retry on
/// its own task.
struct Retrier: Sendable {
    var retry: Bool
    var backoff: Backoff
    var emit: @Sendable (ReplicationEvent) -> Void

    init(options: ReplicationOptions, emit: @escaping @Sendable (ReplicationEvent) -> Void) {
        retry = options.retry
        backoff = options.backoff
        self.emit = emit
    }

    /// `body`'s value, after as many retries as transient failures need.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                let value = try await body()
                if attempt > 0 { emit(.active) }
                return value
            } catch {
                let failure = try Retrier.pouchError(error)
                guard retry, Backoff.isTransient(failure) else { throw failure }
                let delay = backoff.delay(attempt: attempt)
                Logger.replication.info("retrying in \(delay) after \(failure)")
                emit(.paused(failure))
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// `error` as a `PouchError`; rethrows cancellation as is.
    static func pouchError(_ error: any Error) throws -> PouchError {
        if error is CancellationError || Task.isCancelled { throw CancellationError() }
        if let error = error as? PouchError { return error }
        return PouchError(.internalError, "\(error)", status: 500)
    }
}
