/// Where a replication's time went, per step of the protocol, logged at
/// debug level when it ends so a slow replication can be told apart from
/// a slow peer. Reading steps run on the reader's task, overlapping the
/// writes; `waitingForReads` is how long writing stood idle for them.
struct StageTimings: Sendable {
    var changes: Duration = .zero
    var revsDiff: Duration = .zero
    var bulkGet: Duration = .zero
    var bulkDocs: Duration = .zero
    var checkpoints: Duration = .zero
    var waitingForReads: Duration = .zero

    /// Adds the reading steps of one batch.
    mutating func add(reads other: StageTimings) {
        changes += other.changes
        revsDiff += other.revsDiff
        bulkGet += other.bulkGet
    }

    /// `body`'s value, its duration added to `stage`.
    static func timing<T>(
        _ stage: inout Duration, _ body: () async throws -> T
    ) async rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { stage += clock.now - start }
        return try await body()
    }

    /// `changes 0.12 s, revs_diff ...`, in seconds.
    var summary: String {
        let stages: [(String, Duration)] = [
            ("changes", changes), ("revs_diff", revsDiff), ("bulk_get", bulkGet),
            ("bulk_docs", bulkDocs), ("checkpoints", checkpoints),
            ("waiting_for_reads", waitingForReads),
        ]
        return stages.map { "\($0.0) \(Self.seconds($0.1)) s" }.joined(separator: ", ")
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds =
            duration.components.seconds * 1000
            + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(Double(milliseconds) / 1000)"
    }
}
