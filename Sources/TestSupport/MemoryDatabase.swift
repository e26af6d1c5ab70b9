import Foundation
import Pouch
import Synchronization

/// An in-memory database for replication tests: revision trees, the
/// changes feed (with doc-id, top-level-equality selector and predicate
/// filters), revs diff, bulk get, bulk docs in both modes and `_local`
/// documents, with CouchDB's answers.
///
/// Limitation: no attachments, Mango queries or indexes (those throw
/// `bad_request`); selectors match top-level equality only. It stands in
/// for the SQLite `Database` in tests of the replication layer alone.
package final class MemoryDatabase: DocumentDatabase {
    struct Entry {
        var tree = RevisionTree()
        var bodies: [RevisionID: JSON] = [:]
        var seq: Int64 = 0
    }

    struct Storage {
        var docs: [String: Entry] = [:]
        var seq: Int64 = 0
        var locals: [String: JSON] = [:]
    }

    package let identity: String
    let storage = Mutex(Storage())

    package init(name: String = "memory-\(UUID().uuidString)") {
        identity = name
    }

    package var appliesPredicateFilters: Bool { true }

    package func info() async throws -> DatabaseInfo {
        storage.withLock { storage in
            let live = storage.docs.values.filter { !$0.tree.isWinnerDeleted }.count
            return DatabaseInfo(
                name: identity, docCount: live, docDelCount: storage.docs.count - live,
                updateSeq: .int(storage.seq), sizes: .init(file: 0, active: 0, external: 0))
        }
    }

    // MARK: Reading

    /// The body of `rev` as CouchDB answers it: `_id`, `_rev`, `_deleted`
    /// when a deletion, then the fields.
    static func document(_ id: String, _ rev: RevisionID, _ entry: Entry) -> JSON {
        var doc: JSON = ["_id": .string(id), "_rev": .string(rev.description)]
        if entry.tree.isDeleted(rev) { doc["_deleted"] = true }
        for (key, value) in entry.bodies[rev]?.objectValue ?? JSONObject() { doc[key] = value }
        return doc
    }

    static func revisions(_ tree: RevisionTree, _ rev: RevisionID) -> JSON {
        let history = tree.history(of: rev)
        return [
            "start": .int(Int64(rev.generation)),
            "ids": .array(history.map { .string($0.hash) }),
        ]
    }

    package func get(_ id: String, options: GetOptions) async throws -> JSON {
        try storage.withLock { storage throws(PouchError) in
            guard let entry = storage.docs[id], let winner = entry.tree.winner else {
                throw PouchError.notFound("missing")
            }
            let rev = options.rev ?? winner
            guard entry.bodies[rev] != nil else { throw PouchError.notFound("missing") }
            if options.rev == nil, entry.tree.isWinnerDeleted {
                throw PouchError.notFound("deleted")
            }
            var doc = MemoryDatabase.document(id, rev, entry)
            if options.revs { doc["_revisions"] = MemoryDatabase.revisions(entry.tree, rev) }
            if options.conflicts, options.rev == nil, !entry.tree.conflicts.isEmpty {
                doc["_conflicts"] = .array(entry.tree.conflicts.map { .string($0.description) })
            }
            return doc
        }
    }

    package func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) async throws -> [OpenRevisionResult] {
        try storage.withLock { storage throws(PouchError) in
            let entry = storage.docs[id] ?? Entry()
            let wanted: [RevisionID]
            switch revisions {
            case .all:
                // CouchDB answers `open_revs=all` for an unknown id with 404.
                guard !entry.tree.isEmpty else { throw PouchError.notFound() }
                wanted = entry.tree.leaves
            case .revisions(let revs): wanted = revs
            }
            return wanted.map { rev in
                guard entry.bodies[rev] != nil else { return .missing(rev) }
                var doc = MemoryDatabase.document(id, rev, entry)
                if options.revs { doc["_revisions"] = MemoryDatabase.revisions(entry.tree, rev) }
                return .ok(doc)
            }
        }
    }

    package func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        if case .server = options.filter {
            throw PouchError.badRequest("MemoryDatabase has no filter functions")
        }
        return storage.withLock { storage in
            var since: Int64 = 0
            switch options.since {
            case .start: since = 0
            case .now: since = storage.seq
            case .sequence(let seq): since = Int64(seq.intValue ?? 0)
            }
            let ordered = storage.docs.filter { $0.value.seq > since }.sorted {
                $0.value.seq < $1.value.seq
            }
            var results: [Change] = []
            var lastSeq = storage.seq
            for (index, (id, entry)) in ordered.enumerated() {
                let winner = entry.tree.winner!
                let doc = MemoryDatabase.document(id, winner, entry)
                guard MemoryDatabase.passes(id, doc, options.filter) else { continue }
                let revs = options.style == .allDocs ? entry.tree.leaves : [winner]
                results.append(
                    Change(
                        id: id, seq: .int(entry.seq), changes: revs,
                        isDeleted: entry.tree.isWinnerDeleted,
                        doc: options.includeDocs ? doc : nil))
                if let limit = options.limit, results.count >= limit {
                    lastSeq = entry.seq
                    let pending = ordered.count - index - 1
                    return ChangesResponse(
                        results: results, lastSeq: .int(lastSeq), pending: pending)
                }
            }
            return ChangesResponse(results: results, lastSeq: .int(max(lastSeq, since)), pending: 0)
        }
    }

    static func passes(_ id: String, _ doc: JSON, _ filter: ChangesFilter) -> Bool {
        switch filter {
        case .none: return true
        case .docIDs(let ids): return ids.contains(id)
        case .predicate(_, let test): return test(doc)
        case .server: return false
        case .selector(let selector):
            let fields = selector.objectValue ?? JSONObject()
            return fields.allSatisfy { doc[$0.key] == $0.value }
        }
    }

    package func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        storage.withLock { storage in
            var answer: [String: RevsDiffResult] = [:]
            for (id, revs) in revisions {
                let tree = storage.docs[id]?.tree ?? RevisionTree()
                let missing = Array(Set(tree.missing(revs))).sorted()
                guard !missing.isEmpty else { continue }
                let ancestors = Set(missing.flatMap { tree.possibleAncestors(of: $0) })
                answer[id] = RevsDiffResult(missing: missing, possibleAncestors: ancestors.sorted())
            }
            return answer
        }
    }

    package func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        storage.withLock { storage in
            requests.map { request in
                let entry = storage.docs[request.id] ?? Entry()
                let revs = request.rev.map { [$0] } ?? entry.tree.leaves
                let missingRev = request.rev?.description
                guard !revs.isEmpty else {
                    let error = PouchError.notFound("missing")
                    return BulkGetResult(
                        id: request.id,
                        docs: [.error(id: request.id, rev: missingRev, error: error)])
                }
                return BulkGetResult(
                    id: request.id,
                    docs: revs.map { rev in
                        guard entry.bodies[rev] != nil else {
                            let error = PouchError.notFound("missing")
                            return .error(id: request.id, rev: rev.description, error: error)
                        }
                        var doc = MemoryDatabase.document(request.id, rev, entry)
                        if options.revs {
                            doc["_revisions"] = MemoryDatabase.revisions(entry.tree, rev)
                        }
                        return .ok(doc)
                    })
            }
        }
    }
}
