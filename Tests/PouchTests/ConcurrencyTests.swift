import Foundation
import TestSupport
import Testing

@testable import Pouch

@Suite struct ConcurrencyTests {
    /// One writer moves a value from `left` to `right` in single bulk writes
    /// while readers check that the total never changes: every read sees
    /// whole transactions only.
    @Test func readersNeverSeeATornWrite() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let seeded = try await db.bulkDocs(
            [["_id": "left", "n": 100], ["_id": "right", "n": 0]], newEdits: true)
        #expect(seeded.allSatisfy { $0.error == nil })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for _ in 0..<100 {
                    let rows = try await db.allDocs(AllDocsOptions(includeDocs: true)).rows
                    let (left, right) = (rows[0].doc!, rows[1].doc!)
                    let moved = try await db.bulkDocs(
                        [
                            [
                                "_id": "left", "_rev": left["_rev"]!,
                                "n": .int(Int64(left["n"]!.intValue! - 1)),
                            ],
                            [
                                "_id": "right", "_rev": right["_rev"]!,
                                "n": .int(Int64(right["n"]!.intValue! + 1)),
                            ],
                        ], newEdits: true)
                    #expect(moved.allSatisfy { $0.error == nil })
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<50 {
                        let rows = try await db.allDocs(AllDocsOptions(includeDocs: true)).rows
                        let total = rows.compactMap { $0.doc?["n"]?.intValue }.reduce(0, +)
                        #expect(total == 100)
                        let changes = try await db.changes(ChangesOptions(includeDocs: true))
                        #expect(
                            changes.results.compactMap { $0.doc?["n"]?.intValue }.reduce(0, +)
                                == 100)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await db.get("right")["n"] == 100)
    }

    @Test func concurrentWritersAreSerialised() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<25 { try await db.put(["_id": .string("t\(task)-\(index)")]) }
                }
            }
            try await group.waitForAll()
        }
        let info = try await db.info()
        #expect(info.docCount == 200)
        #expect(info.updateSeq == .int(200))
        #expect(try await db.changes(ChangesOptions()).results.count == 200)
    }
}
