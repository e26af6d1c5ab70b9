import Foundation
import Pouch
import TestSupport
import Testing

/// Small steps the replication tests share.
enum Replicas {
    @discardableResult
    static func put(
        _ db: any DocumentDatabase, _ id: String, _ fields: JSON = [:], rev: RevisionID? = nil
    ) async throws -> RevisionID {
        var doc: JSON = ["_id": .string(id)]
        if let rev { doc["_rev"] = .string(rev.description) }
        for (key, value) in fields.objectValue ?? JSONObject() { doc[key] = value }
        return try await db.put(doc).rev
    }

    /// Every leaf of `id` sorted by revision; none for a document never
    /// stored (for which CouchDB answers `open_revs=all` with 404).
    static func leaves(_ db: any DocumentDatabase, _ id: String) async throws -> [JSON] {
        let results: [OpenRevisionResult]
        do {
            results = try await db.openRevisions(id, revisions: .all, options: GetOptions())
        } catch let error as PouchError where error.code == .notFound {
            return []
        }
        return results.compactMap { result -> JSON? in
            if case .ok(let doc) = result { return doc }
            return nil
        }.sorted { ($0["_rev"]?.stringValue ?? "") < ($1["_rev"]?.stringValue ?? "") }
    }

    /// The winning revision, deleted or not, or `nil` when never stored.
    static func winner(_ db: any DocumentDatabase, _ id: String) async throws -> RevisionID? {
        let leaves = try await leaves(db, id)
        let revs = leaves.compactMap { doc -> (RevisionID, Bool)? in
            guard let rev = doc["_rev"]?.stringValue.flatMap(RevisionID.init) else { return nil }
            return (rev, doc["_deleted"] == true)
        }
        // CouchDB's rule, restated: live before deleted, then the greatest rev.
        return revs.max { lhs, rhs in
            if lhs.1 != rhs.1 { return lhs.1 }
            return lhs.0 < rhs.0
        }?.0
    }

    static func replicate(
        _ source: any ReplicationPeer, _ target: any ReplicationPeer,
        _ options: ReplicationOptions = ReplicationOptions()
    ) async throws -> ReplicationResult {
        try await Replication(source: source, target: target, options: options).run()
    }

    /// Runs `replication` to its end and returns its events.
    static func runCollecting(
        _ replication: Replication
    ) async throws -> (ReplicationResult?, [ReplicationEvent]) {
        let events = replication.events
        let collector = Task {
            var seen: [ReplicationEvent] = []
            for await event in events { seen.append(event) }
            return seen
        }
        let result = try? await replication.run()
        return (result, await collector.value)
    }

    /// Ids of documents whose winner is live.
    static func liveIDs(_ db: any DocumentDatabase) async throws -> [String] {
        try await db.allDocs().rows.compactMap(\.id).sorted()
    }

    /// Waits until `condition` holds, up to a generous deadline.
    static func eventually(
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        // A guard against a hang, not a speed check: generous for a busy
        // machine running every test at once.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static let quickRetry = Backoff(
        initialDelay: .milliseconds(5), maximumDelay: .milliseconds(20))
}

extension AsyncSequence where Self: Sendable, Element: Sendable {
    /// Every element until the sequence ends.
    func collected() async -> [Element] {
        var elements: [Element] = []
        do {
            for try await element in self { elements.append(element) }
        } catch {}
        return elements
    }
}
