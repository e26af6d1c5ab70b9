/// The writing half of a replication batch: the documents read, written to
/// the target with `new_edits=false` (CouchDB's `_bulk_docs`). A 413 splits
/// them in halves until they fit; a single document still too large is a
/// failure; a document refused as `unauthorized` or `forbidden` is a
/// `denied` event and a failure.
///
/// A batch of `splitAt` documents or more goes as two requests at once,
/// so a remote target parses them on two connections; `new_edits=false`
/// merges commute, so the order between the halves does not matter.
struct BatchWriter: Sendable {
    let target: any ReplicationPeer
    let retrier: Retrier
    let emit: @Sendable (ReplicationEvent) -> Void

    static let splitAt = 256

    /// What writing came to: revisions stored and refused.
    struct Outcome: Sendable {
        var written = 0
        var failures = 0

        static func + (lhs: Outcome, rhs: Outcome) -> Outcome {
            Outcome(written: lhs.written + rhs.written, failures: lhs.failures + rhs.failures)
        }
    }

    /// Writes `docs`, in two concurrent halves when there are many.
    func store(_ docs: [ReplicatedDocument]) async throws -> Outcome {
        guard docs.count >= Self.splitAt else { return try await storeHalving(docs[...]) }
        let middle = docs.count / 2
        let (front, back) = (docs[..<middle], docs[middle...])
        async let first = storeHalving(front)
        let second = try await storeHalving(back)
        return try await first + second
    }

    /// Writes `docs`; a 413 splits them in halves until they fit.
    private func storeHalving(_ docs: ArraySlice<ReplicatedDocument>) async throws -> Outcome {
        guard !docs.isEmpty else { return Outcome() }
        do {
            let batch = Array(docs)
            let results = try await retrier.run {
                try await target.bulkDocs(replicated: batch)
            }
            return record(results, sent: docs.count)
        } catch let error as PouchError where error.status == 413 {
            guard docs.count > 1 else {
                let id = docs.first?.id ?? ""
                Logger.replication.warning("document \(id) too large for the target")
                return Outcome(failures: 1)
            }
            let middle = docs.startIndex + docs.count / 2
            let first = try await storeHalving(docs[..<middle])
            return first + (try await storeHalving(docs[middle...]))
        }
    }

    /// Counts what `bulkDocs` stored; reports refusals as `denied`.
    private func record(_ results: [BulkDocsResult], sent: Int) -> Outcome {
        var failures = 0
        for result in results {
            guard let error = result.error else { continue }
            failures += 1
            if error.code == .forbidden || error.code == .unauthorized {
                emit(.denied(id: result.id, error: error))
            } else {
                Logger.replication.warning("target refused \(result.id): \(error)")
            }
        }
        return Outcome(written: sent - failures, failures: failures)
    }
}
