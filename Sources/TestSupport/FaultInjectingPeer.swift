import Foundation
import Pouch
import Synchronization

/// Wraps a `ReplicationPeer` to record its calls and inject faults: fail
/// the Nth call of a method with an error, answer 413 to large `bulkDocs`,
/// refuse chosen documents as `forbidden`, delay calls, or run a hook on a
/// call (to cancel a replication at a chosen point).
package final class FaultInjectingPeer: ReplicationPeer {
    /// The calls a replication makes of a peer.
    package enum Method: String, Sendable, CaseIterable {
        case info, changes, revsDiff, bulkGet, bulkDocs
        case localDocument, putLocalDocument, waitForChanges
    }

    /// One recorded call: its method, and for `changes` the `since` asked,
    /// for `bulkDocs` the ids and documents sent.
    package struct Call: Sendable, Equatable {
        package var method: Method
        package var since: ChangesSince?
        package var ids: [String]
        package var docs: [JSON] = []
    }

    private struct State {
        var calls: [Call] = []
        var counts: [Method: Int] = [:]
        var failures: [Method: [Int: PouchError]] = [:]
        var failEvery: [Method: (remaining: Int, error: PouchError)] = [:]
        var delays: [Method: Duration] = [:]
        var bulkDocsLimit: Int?
        var deniedIDs: Set<String> = []
        var hook: (@Sendable (Method, Int) -> Void)?
    }

    package let base: any ReplicationPeer
    private let state = Mutex(State())

    package init(_ base: any ReplicationPeer) {
        self.base = base
    }

    package var identity: String { base.identity }
    package var appliesPredicateFilters: Bool { base.appliesPredicateFilters }

    // MARK: Configuring

    /// Fails call number `call` (1 for the first) of `method` with `error`.
    package func fail(_ method: Method, call: Int, with error: PouchError) {
        state.withLock { $0.failures[method, default: [:]][call] = error }
    }

    /// Fails the next `times` calls of `method` with `error`.
    package func fail(_ method: Method, times: Int, with error: PouchError) {
        state.withLock { $0.failEvery[method] = (times, error) }
    }

    /// Answers `bulkDocs` with 413 `too_large` when sent more than `count`
    /// documents.
    package func rejectBulkDocs(over count: Int) {
        state.withLock { $0.bulkDocsLimit = count }
    }

    /// Refuses these ids in `bulkDocs` with a per-document `forbidden`.
    package func deny(_ ids: Set<String>) {
        state.withLock { $0.deniedIDs = ids }
    }

    /// Delays every call of `method`.
    package func delay(_ method: Method, by duration: Duration) {
        state.withLock { $0.delays[method] = duration }
    }

    /// Runs `hook` with the method and its call number before each call.
    package func onCall(_ hook: @escaping @Sendable (Method, Int) -> Void) {
        state.withLock { $0.hook = hook }
    }

    // MARK: Reading the record

    package var calls: [Call] { state.withLock { $0.calls } }

    /// How many times `method` was called.
    package func count(_ method: Method) -> Int { state.withLock { $0.counts[method] ?? 0 } }

    /// The ids sent to `bulkDocs`, over every call.
    package var idsWritten: [String] { calls.filter { $0.method == .bulkDocs }.flatMap(\.ids) }

    /// Records a call and throws its injected fault, if any.
    private func enter(
        _ method: Method, since: ChangesSince? = nil, ids: [String] = [], docs: [JSON] = []
    ) async throws {
        let (number, fault, delay, hook) = state.withLock { state in
            let number = (state.counts[method] ?? 0) + 1
            state.counts[method] = number
            state.calls.append(Call(method: method, since: since, ids: ids, docs: docs))
            var fault = state.failures[method]?[number]
            if fault == nil, let every = state.failEvery[method], every.remaining > 0 {
                state.failEvery[method] = (every.remaining - 1, every.error)
                fault = every.error
            }
            return (number, fault, state.delays[method], state.hook)
        }
        hook?(method, number)
        if let delay { try await Task.sleep(for: delay) }
        if let fault { throw fault }
    }

    // MARK: ReplicationPeer

    package func info() async throws -> DatabaseInfo {
        try await enter(.info)
        return try await base.info()
    }

    package func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        try await enter(.changes, since: options.since)
        return try await base.changes(options)
    }

    package func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        try await enter(.revsDiff, ids: revisions.keys.sorted())
        return try await base.revsDiff(revisions)
    }

    package func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        try await enter(.bulkGet, ids: requests.map(\.id))
        return try await base.bulkGet(requests, options: options)
    }

    package func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        let ids = docs.map { $0["_id"]?.stringValue ?? "" }
        try await enter(.bulkDocs, ids: ids, docs: docs)
        let (limit, denied) = state.withLock { ($0.bulkDocsLimit, $0.deniedIDs) }
        if let limit, docs.count > limit {
            throw PouchError(.tooLarge, "Request entity too large", status: 413)
        }
        let allowed = docs.filter { !denied.contains($0["_id"]?.stringValue ?? "") }
        let refused = ids.filter(denied.contains).map { id in
            BulkDocsResult(id: id, error: .forbidden("denied by test"))
        }
        return try await base.bulkDocs(allowed, newEdits: newEdits) + refused
    }

    package func localDocument(_ id: String) async throws -> JSON? {
        try await enter(.localDocument, ids: [id])
        return try await base.localDocument(id)
    }

    package func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        try await enter(.putLocalDocument, ids: [doc["_id"]?.stringValue ?? ""])
        return try await base.putLocalDocument(doc)
    }

    package func waitForChanges(since: JSON, timeout: Duration) async throws -> Bool {
        try await enter(.waitForChanges)
        return try await base.waitForChanges(since: since, timeout: timeout)
    }
}
