import Testing

@testable import Pouch

/// What a replication asks its source for when the target lacks
/// everything: every revision of every change, in the feed's order.
@Suite struct BatchReaderRequestTests {
    static let a1 = RevisionID(generation: 1, hash: "a")
    static let b2 = RevisionID(generation: 2, hash: "b")
    static let b3 = RevisionID(generation: 3, hash: "c")

    @Test func everyLeafOfEveryChangeIsAskedInOrder() {
        let changes = [
            Change(id: "b", seq: 1, changes: [Self.b3, Self.b2]),
            Change(id: "a", seq: 2, changes: [Self.a1]),
        ]
        let requests = BatchReader.bulkGetRequests(for: changes)
        #expect(
            requests == [
                BulkGetRequest(id: "b", rev: Self.b3), BulkGetRequest(id: "b", rev: Self.b2),
                BulkGetRequest(id: "a", rev: Self.a1),
            ])
    }

    @Test func aDocumentListedTwiceTakesTheGeneralWay() {
        let changes = [
            Change(id: "b", seq: 1, changes: [Self.b2]),
            Change(id: "b", seq: 2, changes: [Self.b3]),
        ]
        #expect(BatchReader.bulkGetRequests(for: changes) == nil)
        // The general way merges both rows' revisions under the first.
        let diff = ["b": RevsDiffResult(missing: [Self.b2, Self.b3])]
        #expect(
            BatchReader.bulkGetRequests(for: changes, diff: diff) == [
                BulkGetRequest(id: "b", rev: Self.b2), BulkGetRequest(id: "b", rev: Self.b3),
            ])
    }
}
