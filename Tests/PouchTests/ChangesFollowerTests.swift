import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Pouch

/// The durable follower: changes handed in order, at least once, none
/// skipped across restarts, its position kept in `_local/<name>`.
@Suite(.timeLimit(.minutes(2))) struct ChangesFollowerTests {
    /// What handlers saw, in order, across runs.
    final class Journal: Sendable {
        private let entries = Mutex<[Change]>([])

        func record(_ change: Change) { entries.withLock { $0.append(change) } }

        var changes: [Change] { entries.withLock { $0 } }
        var ids: [String] { changes.map(\.id) }
    }

    struct HandlerFailure: Error {}

    static func id(_ number: Int) -> String {
        "d" + String(1000 + number).dropFirst()
    }

    /// Writes documents `range` one put each, so document `n` is at
    /// sequence `n + 1` in a fresh database.
    static func write(_ range: Range<Int>, to db: Database) async throws {
        for number in range { try await db.put(["_id": .string(id(number))]) }
    }

    @Test func runOnceHandsEachChangeInOrderAndCheckpoints() async throws {
        let db = try Database.inMemory(name: "once")
        try await Self.write(0..<20, to: db)
        let journal = Journal()
        let follower = ChangesFollower(database: db, name: "mailer") { journal.record($0) }

        #expect(try await follower.runOnce() == 20)
        #expect(journal.ids == (0..<20).map(Self.id))
        let checkpoint = try await db.localDocument("_local/mailer")
        #expect(checkpoint?["processed_seq"] == .int(20))
        #expect(try await follower.processedSequence() == .int(20))

        // Nothing new: nothing handed again.
        #expect(try await follower.runOnce() == 0)
        try await Self.write(20..<25, to: db)
        #expect(try await follower.runOnce() == 5)
        #expect(journal.ids == (0..<25).map(Self.id))
    }

    @Test func failingHandlerStopsAfterCheckpointingWhatItHandled() async throws {
        let db = try Database.inMemory(name: "failing")
        try await Self.write(0..<10, to: db)
        let journal = Journal()
        let failing = ChangesFollower(database: db, name: "f") { change in
            if change.id == Self.id(4) { throw HandlerFailure() }
            journal.record(change)
        }

        await #expect(throws: HandlerFailure.self) { try await failing.runOnce() }
        // d003 is at sequence 4: the last change handled.
        #expect(try await failing.processedSequence() == .int(4))

        let restarted = ChangesFollower(database: db, name: "f") { journal.record($0) }
        #expect(try await restarted.runOnce() == 6)
        #expect(journal.ids == (0..<10).map(Self.id))
    }

    @Test func cancelledFollowerResumesWithoutSkipping() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let journal = Journal()
        let (reachedK, signal) = AsyncStream.makeStream(of: Void.self)
        let policy = ChangesFollower.CheckpointPolicy(changes: 7)
        let first = ChangesFollower(database: db, name: "sentinel", checkpointPolicy: policy) {
            journal.record($0)
            if journal.changes.count == 50 { signal.yield() }
        }
        let running = Task { try await first.run() }
        let writer = Task { try await Self.write(0..<200, to: db) }

        for await _ in reachedK { break }
        running.cancel()
        try await running.value
        let handledBeforeRestart = journal.ids
        let checkpoint = try await first.processedSequence()

        let second = ChangesFollower(database: db, name: "sentinel", checkpointPolicy: policy) {
            journal.record($0)
        }
        try await writer.value
        try await second.runOnce()

        // The first run handed a prefix of the documents; the checkpoint is
        // within what it handled; the second run starts after the
        // checkpoint, so together they handed every document, in order.
        let all = (0..<200).map(Self.id)
        #expect(handledBeforeRestart == Array(all.prefix(handledBeforeRestart.count)))
        let checkpointed = Int(checkpoint?.intValue ?? -1)
        #expect(checkpointed >= 50 && checkpointed <= handledBeforeRestart.count)
        #expect(
            Array(journal.ids.dropFirst(handledBeforeRestart.count)) == Array(all[checkpointed...]))
        #expect(try await db.localDocument("_local/sentinel")?["processed_seq"] == .int(200))
    }

    @Test func crashAfterTheCheckpointHandsTheRestAgain() async throws {
        let db = try Database.inMemory(name: "crash")
        try await Self.write(0..<10, to: db)
        let journal = Journal()
        let follower = ChangesFollower(database: db, name: "crashy") { journal.record($0) }
        try await follower.runOnce()

        // As if the process died after handling everything but before any
        // checkpoint past sequence 6 was written.
        let saved = try await db.localDocument("_local/crashy")
        try await db.putLocalDocument(
            ["_id": "_local/crashy", "_rev": saved?["_rev"] ?? .null, "processed_seq": 6])
        #expect(try await follower.runOnce() == 4)

        // d006..d009 came after sequence 6: handed twice, nothing skipped.
        #expect(journal.ids == (0..<10).map(Self.id) + (6..<10).map(Self.id))
    }

    @Test func runFollowsNewChangesUntilCancelled() async throws {
        let db = try Database.inMemory(name: "live")
        try await Self.write(0..<3, to: db)
        let journal = Journal()
        let (done, signal) = AsyncStream.makeStream(of: Void.self)
        let follower = ChangesFollower(database: db, name: "live") { change in
            journal.record(change)
            if journal.changes.count == 8 { signal.yield() }
        }
        let running = Task { try await follower.run() }

        try await Self.write(3..<8, to: db)
        for await _ in done { break }
        running.cancel()
        try await running.value

        #expect(journal.ids == (0..<8).map(Self.id))
        #expect(try await follower.processedSequence() == .int(8))
    }

    @Test func checkpointEveryNChangesOrAfterAnInterval() async throws {
        let db = try Database.inMemory(name: "policy")
        try await Self.write(0..<10, to: db)

        // While document n (sequence n + 1) is handled, the checkpoint
        // holds the last multiple of 3 below n + 1.
        let everyThird = try await Self.checkpointsSeen(
            by: .init(changes: 3), name: "third", in: db)
        #expect(everyThird == [nil, nil, nil, 3, 3, 3, 6, 6, 6, 9])

        // An interval of zero has passed after every change.
        let everyTime = try await Self.checkpointsSeen(
            by: .init(changes: 1000, interval: .zero), name: "zero", in: db)
        #expect(everyTime == [nil] + (1..<10).map { Int64($0) })
    }

    /// The checkpoint each change's handler sees.
    static func checkpointsSeen(
        by policy: ChangesFollower.CheckpointPolicy, name: String, in db: Database
    ) async throws -> [Int64?] {
        let seen = Mutex<[Int64?]>([])
        let follower = ChangesFollower(database: db, name: name, checkpointPolicy: policy) { _ in
            let sequence = try await db.localDocument("_local/\(name)")?["processed_seq"]
            seen.withLock { $0.append(sequence?.intValue.map(Int64.init)) }
        }
        try await follower.runOnce()
        return seen.withLock { $0 }
    }

    @Test func filteredFollowerCheckpointsPastFilteredOutChanges() async throws {
        let db = try Database.inMemory(name: "filtered")
        try await db.put(["_id": "c1", "type": "clinic"])
        try await db.put(["_id": "p1", "type": "person"])
        try await db.put(["_id": "c2", "type": "clinic"])
        let journal = Journal()
        let options = ChangesOptions(includeDocs: true, filter: .selector(["type": "person"]))
        let follower = ChangesFollower(database: db, name: "people", options: options) {
            journal.record($0)
        }

        #expect(try await follower.runOnce() == 1)
        #expect(journal.ids == ["p1"])
        #expect(journal.changes.first?.doc?["type"] == "person")
        #expect(try await follower.processedSequence() == .int(3))
    }

    @Test func followerStartingNowKeepsThatPosition() async throws {
        let db = try Database.inMemory(name: "now")
        try await Self.write(0..<4, to: db)
        let journal = Journal()
        let follower = ChangesFollower(
            database: db, name: "tail", options: ChangesOptions(since: .now)
        ) { journal.record($0) }

        #expect(try await follower.runOnce() == 0)
        #expect(try await follower.processedSequence() == .int(4))

        // Restarted later, it starts from its checkpoint, not from `now`.
        try await Self.write(4..<6, to: db)
        #expect(try await follower.runOnce() == 2)
        #expect(journal.ids == [Self.id(4), Self.id(5)])
    }

    @Test func smallBatchesStillHandEverything() async throws {
        let db = try Database.inMemory(name: "batches")
        try await Self.write(0..<23, to: db)
        let journal = Journal()
        let follower = ChangesFollower(
            database: db, name: "small", options: ChangesOptions(limit: 4)
        ) { journal.record($0) }

        #expect(try await follower.runOnce() == 23)
        #expect(journal.ids == (0..<23).map(Self.id))
        #expect(try await follower.processedSequence() == .int(23))
    }
}
