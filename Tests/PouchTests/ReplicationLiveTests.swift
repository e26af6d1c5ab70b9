import Foundation
import Pouch
import TestSupport
import Testing

/// Live replication, sync and conflict resolution.
@Suite struct ReplicationLiveTests {
    @Test(arguments: ReplicaFactory.all)
    func liveReplicationCarriesLaterChangesUntilCancelled(
        _ factory: ReplicaFactory
    ) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        try await Replicas.put(source, "before")
        let replication = Replication(
            source: source, target: target, options: ReplicationOptions(live: true))
        let events = replication.events
        let collector = Task { await events.collected() }
        replication.start()

        #expect(try await Replicas.eventually { try await Replicas.liveIDs(target) == ["before"] })
        try await Replicas.put(source, "after")
        #expect(
            try await Replicas.eventually {
                try await Replicas.liveIDs(target) == ["after", "before"]
            })
        replication.cancel()

        let result = try await replication.run()
        #expect(result.status == .cancelled)
        #expect(result.docsWritten == 2)
        let seen = await collector.value
        #expect(seen.first == .active)
        #expect(seen.contains(.paused(nil)))
        #expect(seen.last == .complete(result))
    }

    @Test(arguments: ReplicaFactory.all)
    func syncCarriesEditsBothWays(_ factory: ReplicaFactory) async throws {
        let (local, remote) = (try await factory.make("a"), try await factory.make("b"))
        try await Replicas.put(local, "mine")
        try await Replicas.put(remote, "theirs")
        let sync = Sync(local: local, remote: remote)
        let events = sync.events
        let collector = Task { await events.collected() }
        let runner = Task { try await sync.run() }

        let both = ["mine", "theirs"]
        #expect(
            try await Replicas.eventually {
                let onLocal = try await Replicas.liveIDs(local)
                let onRemote = try await Replicas.liveIDs(remote)
                return onLocal == both && onRemote == both
            })
        sync.cancel()

        let (push, pull) = try await runner.value
        #expect(push.status == .cancelled && pull.status == .cancelled)
        #expect(push.docsWritten == 1 && pull.docsWritten == 1)
        let directions = Set(await collector.value.map(\.direction))
        #expect(directions == [.push, .pull])
    }

    @Test(arguments: ReplicaFactory.all)
    func resolvedConflictsReplicateAsResolved(_ factory: ReplicaFactory) async throws {
        let (a, b) = (try await factory.make("a"), try await factory.make("b"))
        let base = try await Replicas.put(a, "doc", ["tags": ["x"]])
        _ = try await Replicas.replicate(a, b)
        try await Replicas.put(a, "doc", ["tags": ["x", "a"]], rev: base)
        try await Replicas.put(b, "doc", ["tags": ["x", "b"]], rev: base)
        _ = try await Replicas.replicate(b, a)

        let union = ConflictResolver { leaves in
            let tags = Set(
                leaves.flatMap { $0["tags"]?.arrayValue ?? [] }.compactMap(\.stringValue))
            return ["tags": .array(tags.sorted().map(JSON.string))]
        }
        let resolution = try await resolveConflicts(in: a, resolver: union)
        _ = try await Replicas.replicate(a, b)

        #expect(resolution.resolvedIDs == ["doc"])
        #expect(resolution.deletedLeaves == 1)
        for db in [a, b] {
            let doc = try await db.get("doc", options: GetOptions(conflicts: true))
            #expect(doc["tags"] == ["a", "b", "x"])
            #expect(doc["_conflicts"] == nil)
            #expect(doc["_rev"]?.stringValue?.hasPrefix("3-") == true)
        }
    }

    @Test(arguments: ReplicaFactory.all)
    func keepingTheWinnerOnlyDeletesTheLosers(_ factory: ReplicaFactory) async throws {
        let (a, b) = (try await factory.make("a"), try await factory.make("b"))
        let base = try await Replicas.put(a, "doc", ["v": 0])
        _ = try await Replicas.replicate(a, b)
        try await Replicas.put(a, "doc", ["v": "a"], rev: base)
        try await Replicas.put(b, "doc", ["v": "b"], rev: base)
        _ = try await Replicas.replicate(b, a)
        let winner = try #require(try await Replicas.winner(a, "doc"))

        try await resolveConflicts(in: a, resolver: .keepWinner)

        let doc = try await a.get("doc", options: GetOptions(conflicts: true))
        #expect(doc["_rev"] == .string(winner.description))
        #expect(doc["_conflicts"] == nil)
        let leaves = try await Replicas.leaves(a, "doc")
        #expect(leaves.filter { $0["_deleted"] == true }.count == 1)
    }

    @Test(arguments: ReplicaFactory.all)
    func liveReplicationRidesOutAnOutageWhileWaiting(_ factory: ReplicaFactory) async throws {
        let (source, target) = (try await factory.make("a"), try await factory.make("b"))
        let flaky = FaultInjectingPeer(source)
        flaky.fail(.waitForChanges, times: 2, with: PouchError.network("connection refused"))
        var options = ReplicationOptions(live: true, retry: true)
        options.backoff = Replicas.quickRetry
        let replication = Replication(source: flaky, target: target, options: options)
        let events = replication.events
        let collector = Task { await events.collected() }
        replication.start()

        #expect(try await Replicas.eventually { flaky.count(.waitForChanges) >= 3 })
        try await Replicas.put(source, "later")
        #expect(try await Replicas.eventually { try await Replicas.liveIDs(target) == ["later"] })
        replication.cancel()

        #expect(try await replication.run().status == .cancelled)
        let outages = await collector.value.filter { $0 == .paused(.network("connection refused")) }
        #expect(outages.count == 2)
    }
}
