import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Pouch

/// The local live feed: the backlog after `since`, then each commit, with
/// no change missed or repeated, for many feeds at once and never slowing
/// a writer.
@Suite(.timeLimit(.minutes(2))) struct LiveChangesTests {
    /// The first `count` changes of `feed`.
    static func take<Feed: AsyncSequence<Change, any Error>>(
        _ count: Int, from feed: Feed
    ) async throws -> [Change] {
        var changes: [Change] = []
        for try await change in feed {
            changes.append(change)
            if changes.count == count { break }
        }
        return changes
    }

    static func id(_ number: Int) -> String {
        "w" + String(1000 + number).dropFirst()
    }

    static func sequence(_ change: Change) -> Int64 {
        change.seq.intValue.map(Int64.init) ?? -1
    }

    @Test func feedStartedDuringWritesSeesEachWriteExactlyOnce() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let (midway, signal) = AsyncStream.makeStream(of: Void.self)
        let writer = Task {
            for number in 0..<500 {
                try await db.put(["_id": .string(Self.id(number))])
                if number == 250 { signal.yield() }
            }
        }
        for await _ in midway { break }

        var seen: [Change] = []
        var distinct = Set<String>()
        for try await change in db.liveChanges(ChangesOptions(), batchSize: 16) {
            seen.append(change)
            distinct.insert(change.id)
            if distinct.count == 500 { break }
        }
        try await writer.value

        // Each document was written once, so each must come once, in the
        // order written.
        #expect(seen.count == 500)
        #expect(seen.map(\.id) == (0..<500).map(Self.id))
        let sequences = seen.map(Self.sequence)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func cancellingTheTaskEndsTheFeed() async throws {
        let db = try Database.inMemory(name: "cancel")
        try await db.put(["_id": "a"])
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            var ids: [String] = []
            for try await change in db.liveChanges(ChangesOptions()) {
                ids.append(change.id)
                signal.yield()
            }
            return ids
        }
        for await _ in started { break }

        reader.cancel()

        #expect(try await reader.value == ["a"])
    }

    @Test func severalFeedsFollowOneDatabaseAtOnce() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let everything = ChangesOptions()
        let evens = ChangesOptions(
            filter: .predicate(identity: "even") { ($0["n"]?.intValue ?? 1) % 2 == 0 })
        let readers = [
            Task { try await Self.take(40, from: db.liveChanges(everything)).map(\.id) },
            Task { try await Self.take(20, from: db.liveChanges(evens)).map(\.id) },
            Task {
                try await Self.take(40, from: db.liveChanges(everything, batchSize: 3)).map(\.id)
            },
        ]
        for number in 0..<40 {
            try await db.put(["_id": .string(Self.id(number)), "n": .int(Int64(number))])
        }

        let all = (0..<40).map(Self.id)
        #expect(try await readers[0].value == all)
        #expect(try await readers[1].value == stride(from: 0, to: 40, by: 2).map(Self.id))
        #expect(try await readers[2].value == all)
    }

    @Test func slowReaderDoesNotHoldUpTheWriter() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        try await db.put(["_id": "first"])
        var feed = db.liveChanges(ChangesOptions(), batchSize: 50).makeAsyncIterator()
        #expect(try await feed.next()?.id == "first")

        // The reader takes nothing while 300 writes commit.
        for number in 0..<300 {
            try await db.put(["_id": .string(Self.id(number))])
        }

        var caughtUp: [String] = []
        while caughtUp.count < 300, let change = try await feed.next() {
            caughtUp.append(change.id)
        }
        #expect(caughtUp == (0..<300).map(Self.id))
    }

    @Test func sinceNowSkipsTheBacklogAndMissesNothingAfter() async throws {
        let db = try Database.inMemory(name: "now")
        try await db.put(["_id": "old1"])
        try await db.put(["_id": "old2"])
        let done = Flag()
        let reader = Task {
            defer { done.raise() }
            return try await Self.take(3, from: db.liveChanges(ChangesOptions(since: .now)))
                .map(\.id)
        }

        // Writes go on until the reader has three: whichever write came
        // first after it started, the next two must follow without a gap.
        var number = 0
        while !done.isRaised {
            try await db.put(["_id": .string(Self.id(number))])
            number += 1
            try await Task.sleep(for: .milliseconds(5))
        }
        let ids = try await reader.value

        #expect(ids.count == 3)
        let first = (0..<number).first { Self.id($0) == ids.first }
        #expect(first != nil)
        if let first { #expect(ids == (first..<first + 3).map(Self.id)) }
    }

    @Test func limitEndsTheFeedAfterThatManyChanges() async throws {
        let db = try Database.inMemory(name: "limit")
        for number in 0..<5 { try await db.put(["_id": .string(Self.id(number))]) }
        var ids: [String] = []
        for try await change in db.liveChanges(ChangesOptions(limit: 3)) { ids.append(change.id) }
        #expect(ids == (0..<3).map(Self.id))
    }

    @Test func badOptionsThrowFromTheFirstNext() async throws {
        let db = try Database.inMemory(name: "bad")
        var garbage = db.liveChanges(ChangesOptions(since: .sequence("garbage")))
            .makeAsyncIterator()
        await #expect(
            throws: PouchError.badRequest("Malformed sequence supplied in 'since' parameter.")
        ) {
            _ = try await garbage.next()
        }
        let server = ChangesOptions(filter: .server(name: "app/f", queryParameters: [:]))
        var serverFilter = db.liveChanges(server).makeAsyncIterator()
        await #expect { _ = try await serverFilter.next() } throws: {
            ($0 as? PouchError)?.code == .badRequest
        }
    }

    @Test func feedEndsWhenTheDatabaseIsDestroyed() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        try await db.put(["_id": "a"])
        var feed = db.liveChanges(ChangesOptions()).makeAsyncIterator()
        #expect(try await feed.next()?.id == "a")
        try await db.destroy()
        #expect(try await feed.next() == nil)
    }
}

/// Filters and document options on the live feed, deletions included.
extension LiveChangesTests {
    /// Writes `keep` and `other`, then deletes both; the revisions of the
    /// deletions.
    static func createThenDelete(
        _ db: Database
    ) async throws -> (keep: RevisionID, other: RevisionID) {
        let keep = try await db.put(["_id": "keep", "type": "kept"])
        let other = try await db.put(["_id": "other", "type": "dropped"])
        let keepGone = try await db.remove("keep", rev: keep.rev)
        let otherGone = try await db.remove("other", rev: other.rev)
        return (keepGone.rev, otherGone.rev)
    }

    /// The changes of a feed started now, until one deletes `until`.
    static func untilDeleted(
        _ until: String, in db: Database, _ options: ChangesOptions
    ) async throws -> (changes: [Change], deletions: (keep: RevisionID, other: RevisionID)) {
        let feed = db.liveChanges(options)
        let reader = Task {
            var changes: [Change] = []
            for try await change in feed {
                changes.append(change)
                if change.id == until, change.isDeleted { break }
            }
            return changes
        }
        let deletions = try await createThenDelete(db)
        return (try await reader.value, deletions)
    }

    @Test func docIDsFilterSeesTheDeletionOfItsDocument() async throws {
        let db = try Database.inMemory(name: "ids")
        let options = ChangesOptions(includeDocs: true, filter: .docIDs(["keep"]))
        let (changes, deletions) = try await Self.untilDeleted("keep", in: db, options)
        #expect(changes.allSatisfy { $0.id == "keep" })
        #expect(changes.last?.changes == [deletions.keep])
        #expect(
            changes.last?.doc
                == ["_id": "keep", "_rev": .string(deletions.keep.description), "_deleted": true])
    }

    @Test func selectorFilterMatchesTheTombstoneBody() async throws {
        let db = try Database.inMemory(name: "selector")
        let options = ChangesOptions(filter: .selector(["_deleted": true]))
        let (changes, deletions) = try await Self.untilDeleted("other", in: db, options)
        // A tombstone's body is `_id`, `_rev` and `_deleted` only: the live
        // documents never match, each deletion does.
        #expect(changes.map(\.id) == ["keep", "other"])
        #expect(changes.allSatisfy { $0.isDeleted })
        #expect(changes.map(\.changes) == [[deletions.keep], [deletions.other]])
    }

    @Test func predicateFilterSeesTheTombstone() async throws {
        let db = try Database.inMemory(name: "predicate")
        let options = ChangesOptions(
            filter: .predicate(identity: "keep") { $0["_id"] == "keep" })
        let (changes, deletions) = try await Self.untilDeleted("keep", in: db, options)
        #expect(changes.allSatisfy { $0.id == "keep" })
        #expect(changes.last?.isDeleted == true)
        #expect(changes.last?.changes == [deletions.keep])
    }

    @Test func styleAllDocsAndConflictsAsInTheOneShotFeed() async throws {
        let db = try Database.inMemory(name: "style")
        let first = try await db.put(["_id": "c", "n": 1])
        let second = try await db.put(["_id": "c", "_rev": .string(first.rev.description), "n": 2])
        try await db.storeReplicated([["_id": "c", "_rev": "1-ffff", "n": "conflict"]])
        let options = ChangesOptions(
            includeDocs: true, conflicts: true, style: .allDocs)

        let live = try await Self.take(1, from: db.liveChanges(options))

        #expect(Set(live.first?.changes ?? []) == [second.rev, RevisionID("1-ffff")!])
        #expect(live.first?.doc?["_conflicts"] == ["1-ffff"])
        #expect(live == (try await db.changes(options)).results)
    }
}

/// `waitForChanges`, the polling default feed, and both feeds through
/// `any DocumentDatabase`.
extension LiveChangesTests {
    @Test func waitForChangesWakesOnCommit() async throws {
        let db = try Database.inMemory(name: "wait")
        try await db.put(["_id": "a"])
        #expect(try await db.waitForChanges(since: 0, timeout: .seconds(30)))
        #expect(try await !db.waitForChanges(since: 1, timeout: .milliseconds(20)))

        let waiter = Task { try await db.waitForChanges(since: 1, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        try await db.put(["_id": "b"])
        #expect(try await waiter.value)
    }

    /// A write through another connection to the file (another process)
    /// signals nothing to this `Database`; the wait still sees it rather
    /// than answering `false` at its timeout.
    @Test func waitForChangesSeesAWriteMadeThroughAnotherConnection() async throws {
        let temporary = try TemporaryDatabase()
        try await temporary.database.put(["_id": "a"])
        let waiter = Task {
            try await temporary.database.waitForChanges(since: 1, timeout: .seconds(20))
        }
        try await Task.sleep(for: .milliseconds(100))
        let other = try Database(path: temporary.path)
        try await other.put(["_id": "b"])
        #expect(try await waiter.value)
    }

    @Test func cancelledWaitForChangesThrows() async throws {
        let db = try Database.inMemory(name: "wait-cancel")
        let waiter = Task { try await db.waitForChanges(since: 0, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        // Returning `false` would make a caller looping until `true` spin.
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test func waitForChangesIgnoresLocalDocumentWrites() async throws {
        let db = try Database.inMemory(name: "wait-local")
        let waiter = Task { try await db.waitForChanges(since: 0, timeout: .milliseconds(300)) }
        try await Task.sleep(for: .milliseconds(20))
        try await db.putLocalDocument(["_id": "_local/x"])
        // A `_local` document is not in the changes feed.
        #expect(try await !waiter.value)
    }

    @Test func polledFeedReadsTheBacklogThenPolls() async throws {
        let db = try Database.inMemory(name: "polled")
        try await db.put(["_id": "a"])
        let feed = PolledChangesFeed(
            peer: db, options: ChangesOptions(), pollInterval: .milliseconds(5))
        let reader = Task { try await Self.take(2, from: feed).map(\.id) }
        try await Task.sleep(for: .milliseconds(20))
        try await db.put(["_id": "b"])
        #expect(try await reader.value == ["a", "b"])
    }

    @Test func localFeedThroughTheProtocol() async throws {
        let local = try Database.inMemory(name: "protocol")
        let db: any DocumentDatabase = local
        try await db.put(["_id": "a"])
        var ids: [String] = []
        for try await change in db.liveChanges(ChangesOptions(limit: 1)) { ids.append(change.id) }
        #expect(ids == ["a"])
    }

    @Test func remoteFeedThroughTheProtocolLongPolls() async throws {
        let row: JSON = ["seq": "1-x", "id": "a", "changes": [["rev": "1-a"]]]
        let server = try StubHTTPServer(script: [
            .json(200, ["results": [row], "last_seq": "1-x"])
        ])
        defer { server.stop() }
        let db: any DocumentDatabase = RemoteDatabase(url: server.url("/db"))

        var ids: [String] = []
        for try await change in db.liveChanges(ChangesOptions()) {
            ids.append(change.id)
            break
        }

        #expect(ids == ["a"])
        #expect(server.requests.first?.query["feed"] == "longpoll")
    }
}

/// The one-shot batch the live feed and followers read with: `last_seq`
/// and `pending` when `limit` cuts a filtered batch.
extension LiveChangesTests {
    @Test func limitedFilteredBatchEndsAtItsLastRow() async throws {
        let db = try Database.inMemory(name: "one-shot")
        for id in ["c1", "p1", "p2", "c2"] { try await db.put(["_id": .string(id)]) }
        let options = ChangesOptions(limit: 1, filter: .docIDs(["p2", "c1"]))

        let first = try await db.changes(options)
        // c1 is at sequence 1; three changes follow it, filtered or not.
        #expect(first.results.map(\.id) == ["c1"])
        #expect(first.lastSeq == .int(1))
        #expect(first.pending == 3)

        var next = options
        next.since = .sequence(first.lastSeq)
        let second = try await db.changes(next)
        #expect(second.results.map(\.id) == ["p2"])
        #expect(second.lastSeq == .int(3))
        #expect(second.pending == 1)
    }
}

/// A flag one task raises and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    func raise() { value.store(true, ordering: .releasing) }

    var isRaised: Bool { value.load(ordering: .acquiring) }
}
