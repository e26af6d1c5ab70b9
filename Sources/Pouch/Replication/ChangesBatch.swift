/// One batch of source changes as the replication handles it: the rows that
/// pass its filter, the sequence after the batch, and how many rows the
/// source sent before any filtering done here.
struct ChangesBatch: Sendable {
    var changes: [Change]
    var lastSeq: JSON
    var pending: Int?
    /// Rows the source answered; fewer than the batch size means caught up.
    var sourceCount: Int
    /// How long reading it took.
    var readTime: Duration = .zero

    /// Reads the batch after `since` (`nil` for the beginning) with
    /// `style=all_docs`. A predicate filter the source does not apply
    /// itself is applied here, to the documents read with `include_docs`.
    static func read(
        from source: any ReplicationPeer, since: JSON?, options: ReplicationOptions
    ) async throws -> ChangesBatch {
        var request = ChangesOptions(
            since: since.map { .sequence($0) } ?? .start, limit: options.batchSize,
            style: .allDocs, filter: options.filter)
        var predicate: (@Sendable (JSON) -> Bool)?
        if case .predicate(_, let test) = options.filter, !source.appliesPredicateFilters {
            predicate = test
            request.filter = .none
            request.includeDocs = true
        }

        let response = try await source.changes(request)
        var changes = response.results.filter { !$0.id.hasPrefix("_local/") }
        if let predicate {
            changes = changes.filter { change in change.doc.map(predicate) ?? false }
            for index in changes.indices { changes[index].doc = nil }
        }
        return ChangesBatch(
            changes: changes, lastSeq: response.lastSeq, pending: response.pending,
            sourceCount: response.results.count)
    }
}
