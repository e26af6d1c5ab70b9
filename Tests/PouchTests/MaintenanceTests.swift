import Foundation
import TestSupport
import Testing

@testable import Pouch

@Suite struct MaintenanceTests {
    @Test func revsLimitStemsOnWrite() async throws {
        // CouchDB scenario api23.
        let db = try Database.inMemory(name: "revslimit")
        #expect(try await db.revsLimit() == 1000)
        try await db.setRevsLimit(3)
        #expect(try await db.revsLimit() == 3)
        var revs = [try await db.put(["_id": "d", "n": 1]).rev]
        for n in 2...5 {
            revs.append(
                try await db.put([
                    "_id": "d", "_rev": .string(revs.last!.description), "n": .int(Int64(n)),
                ]).rev)
        }
        let doc = try await db.get("d", options: GetOptions(revs: true))
        #expect(
            doc["_revisions"] == [
                "start": 5, "ids": .array(revs.reversed().prefix(3).map { .string($0.hash) }),
            ])
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.get("d", options: GetOptions(rev: revs[0]))
        }
        let future = RevisionID(generation: 6, hash: "ffff")
        let diff = try await db.revsDiff(["d": [revs[0], revs[3], future]])
        #expect(Set(diff["d"]?.missing ?? []) == [revs[0], future])
        #expect(diff["d"]?.possibleAncestors == [revs[4]])
        await #expect { try await db.setRevsLimit(0) } throws: {
            ($0 as? PouchError)?.code == .badRequest
        }
    }

    @Test func longReplicatedHistoryIsStemmedAndResentAsANoOp() async throws {
        let db = try Database.inMemory(name: "long")
        try await db.setRevsLimit(50)
        let ids: [JSON] = (1...1500).reversed().map { .string(String(format: "%032x", $0)) }
        let doc: JSON = [
            "_id": "long", "_rev": .string("1500-\(ids[0].stringValue!)"),
            "_revisions": ["start": 1500, "ids": .array(ids)], "v": 1,
        ]
        #expect(try await db.bulkDocs([doc], newEdits: false).isEmpty)
        let stored = try await db.get("long", options: GetOptions(revs: true))
        #expect(stored["_revisions"]?["ids"]?.arrayValue == Array(ids.prefix(50)))
        #expect(stored["_revisions"]?["start"] == 1500)
        let sequence = try await db.info().updateSeq
        #expect(try await db.bulkDocs([doc], newEdits: false).isEmpty)
        #expect(try await db.info().updateSeq == sequence)
        #expect(try await db.get("long", options: GetOptions(revs: true)) == stored)
    }

    @Test func purgeRemovesRevisionsAsIfNeverWritten() async throws {
        // CouchDB scenario api24.
        let db = try Database.inMemory(name: "purge")
        let a = try await db.put(["_id": "a", "v": 1])
        try await db.put(["_id": "b", "v": 2])
        let before = try await db.info()
        let purged = try await db.purge([
            "a": [a.rev], "b": [RevisionID(generation: 1, hash: "ffff")],
        ])
        #expect(purged == ["a": [a.rev], "b": []])
        await #expect(throws: PouchError.notFound("missing")) { try await db.get("a") }
        #expect(try await db.get("b")["v"] == 2)
        #expect(try await db.allDocs().rows.map(\.id) == ["b"])
        #expect(try await db.changes(ChangesOptions()).results.map(\.id) == ["b"])
        let after = try await db.info()
        #expect(after.docCount == 1)
        #expect(after.docDelCount == 0)
        #expect((after.purgeSeq?.intValue ?? 0) > (before.purgeSeq?.intValue ?? 0))
        #expect(try await db.revsDiff(["a": [a.rev]]) == ["a": RevsDiffResult(missing: [a.rev])])
        #expect(try await db.put(["_id": "a", "v": 3]).rev.generation == 1)
        #expect(
            try await db.purge(["nodoc": [RevisionID(generation: 1, hash: "abc")]]) == ["nodoc": []]
        )
    }

    @Test func purgingOneConflictKeepsTheOther() async throws {
        let db = try Database.inMemory(name: "purge")
        try await db.storeReplicated(
            [["_id": "d", "_rev": "1-aaaa", "v": "a"], ["_id": "d", "_rev": "1-bbbb", "v": "b"]])
        #expect(try await db.get("d")["v"] == "b")
        let purged = try await db.purge(["d": [RevisionID("1-bbbb")!]])
        #expect(purged["d"] == [RevisionID("1-bbbb")!])
        let doc = try await db.get("d", options: GetOptions(conflicts: true))
        #expect(doc == ["_id": "d", "_rev": "1-aaaa", "v": "a"])
    }

    @Test func compactionDropsOldBodiesButKeepsTheTree() async throws {
        let db = try Database.inMemory(name: "compact")
        let first = try await db.put(["_id": "d", "n": 1])
        let second = try await db.put(["_id": "d", "_rev": .string(first.rev.description), "n": 2])
        #expect(try await db.get("d", options: GetOptions(rev: first.rev))["n"] == 1)
        try await db.compact()
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.get("d", options: GetOptions(rev: first.rev))
        }
        let info = try await db.get("d", options: GetOptions(revs: true, revsInfo: true))
        #expect(
            info["_revisions"] == [
                "start": 2, "ids": [.string(second.rev.hash), .string(first.rev.hash)],
            ])
        #expect(
            info["_revs_info"] == [
                ["rev": .string(second.rev.description), "status": "available"],
                ["rev": .string(first.rev.description), "status": "missing"],
            ])
    }

    @Test func revsInfoAndLocalSeq() async throws {
        // CouchDB scenario api06.
        let db = try Database.inMemory(name: "revsinfo")
        let r1 = try await db.put(["_id": "d", "n": 1])
        let r2 = try await db.put(["_id": "d", "_rev": .string(r1.rev.description), "n": 2])
        let r3 = try await db.put(["_id": "d", "_rev": .string(r2.rev.description), "n": 3])
        let info = try await db.get("d", options: GetOptions(revsInfo: true))
        #expect(
            info["_revs_info"]
                == .array(
                    [r3, r2, r1].map {
                        ["rev": .string($0.rev.description), "status": "available"]
                    }))
        let old = try await db.get("d", options: GetOptions(rev: r2.rev, revs: true))
        #expect(
            old["_revisions"] == ["start": 2, "ids": [.string(r2.rev.hash), .string(r1.rev.hash)]])
        #expect(old["n"] == 2)
        let seq = try await db.get("d", options: GetOptions(localSeq: true))
        #expect(seq["_local_seq"] == .int(3))
    }

    @Test func destroyRemovesTheFiles() async throws {
        let temporary = try TemporaryDatabase()
        try await temporary.database.put(["_id": "x"])
        try await temporary.database.destroy()
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        await #expect(throws: PouchError.notFound("Database does not exist.")) {
            try await temporary.database.get("x")
        }
        let fresh = try Database(path: temporary.path)
        #expect(try await fresh.info().docCount == 0)
    }
}
