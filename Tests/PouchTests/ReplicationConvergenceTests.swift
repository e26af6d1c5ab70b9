import Foundation
import Pouch
import TestSupport
import Testing

/// A property of replication: two replicas that edit the same documents
/// independently and then sync end with identical revision trees and the
/// same winners.
@Suite struct ReplicationConvergenceTests {
    static let ids = (0..<6).map { "doc\($0)" }

    static var cases: [(ReplicaFactory, UInt64)] {
        ReplicaFactory.all.flatMap { factory in (1...40).map { (factory, UInt64($0)) } }
    }

    @Test(arguments: cases)
    func replicasThatEditTheSameDocumentsConverge(
        _ factory: ReplicaFactory, _ seed: UInt64
    ) async throws {
        var random = SplitMix64(seed: seed)
        let (a, b) = (try await factory.make("a"), try await factory.make("b"))
        for id in Self.ids.prefix(3) { try await Replicas.put(a, id, ["v": 0]) }
        _ = try await Replicas.replicate(a, b)

        for step in 0..<30 {
            let replica = random.next() % 2 == 0 ? a : b
            let id = Self.ids[Int(random.next() % UInt64(Self.ids.count))]
            switch random.next() % 10 {
            case 0: _ = try await Replicas.replicate(a, b)
            case 1: _ = try await Replicas.replicate(b, a)
            case 2, 3: try await Self.delete(id, in: replica)
            default: try await Self.edit(id, in: replica, value: .int(Int64(step)))
            }
        }
        _ = try await Replicas.replicate(a, b)
        _ = try await Replicas.replicate(b, a)

        for id in Self.ids {
            let leavesA = try await Replicas.leaves(a, id)
            #expect(leavesA == (try await Replicas.leaves(b, id)), "seed \(seed), \(id)")
            let winner = try await Replicas.winner(a, id)
            #expect(winner == (try await Replicas.winner(b, id)), "seed \(seed), \(id)")
            if let winner,
                !leavesA.contains(where: {
                    $0["_deleted"] == true && $0["_rev"] == .string(winner.description)
                })
            {
                #expect(try await a.get(id)["_rev"] == .string(winner.description))
                #expect(try await b.get(id)["_rev"] == .string(winner.description))
            }
        }
    }

    /// Updates the winner, or creates the document when it is absent or
    /// deleted.
    static func edit(_ id: String, in db: any DocumentDatabase, value: JSON) async throws {
        let current = try? await db.get(id)
        let rev = current?["_rev"]?.stringValue.flatMap(RevisionID.init)
        try await Replicas.put(db, id, ["v": value, "by": .string(db.identity)], rev: rev)
    }

    static func delete(_ id: String, in db: any DocumentDatabase) async throws {
        guard let current = try? await db.get(id),
            let rev = current["_rev"]?.stringValue.flatMap(RevisionID.init)
        else { return }
        try await db.remove(id, rev: rev)
    }
}

/// A small seeded generator (SplitMix64), so every seed replays the same
/// edits.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
