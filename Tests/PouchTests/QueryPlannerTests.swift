import Testing

@testable import Pouch

/// CouchDB's query planner: which index serves a query, and the key range
/// it reads.
@Suite struct QueryPlannerTests {
    static func index(_ name: String, _ fields: String...) -> MangoIndex {
        MangoIndex(
            ddoc: "_design/" + name, name: name, fields: fields.map { SortField($0) },
            partialFilterSelector: nil)
    }

    static func plan(
        _ selector: JSON, sort: [SortField] = [], _ indexes: [MangoIndex]
    ) throws
        -> QueryPlan
    {
        try QueryPlanner.plan(
            FindQuery(selector: selector, sort: sort), selector: MangoSelector(selector),
            indexes: indexes)
    }

    @Test func prefersTheIndexTheSelectorNarrowsMostThenTheSmallest() throws {
        let indexes = [Self.index("ab", "a", "b"), Self.index("a", "a"), Self.index("c", "c")]
        let both = try Self.plan(["a": 1, "b": ["$gt": 2]], indexes)
        #expect(both.source == .index(indexes[0]))
        #expect(both.startKey == [1, 2])
        #expect(both.endKey == [1])
        let one = try Self.plan(["a": 1], indexes)
        #expect(one.source == .index(indexes[1]))
        #expect(one.startKey == [1] && one.endKey == [1])
    }

    @Test func needsEveryIndexedFieldRequiredBySelectorOrSort() throws {
        let indexes = [Self.index("ab", "a", "b")]
        #expect(try Self.plan(["a": 1], indexes).source == .allDocs)
        #expect(try Self.plan(["a": 1, "b": ["$exists": false]], indexes).source == .allDocs)
        let sorted = try Self.plan(["a": 1], sort: [SortField("b")], indexes)
        #expect(sorted.source == .index(indexes[0]))
        let either = try Self.plan(["$or": [["a": 1, "b": 2], ["a": 2, "b": 3]]], indexes)
        #expect(either.source == .index(indexes[0]))
        #expect(either.startKey.isEmpty)
    }

    @Test func sortsOnlyByAPrefixAfterConstantFields() throws {
        let indexes = [Self.index("ab", "a", "b")]
        #expect(
            throws: MangoError.noIndexForSort,
            performing: { try Self.plan(["a": ["$gt": 1]], sort: [SortField("b")], indexes) })
        let constant = try Self.plan(["a": 1], sort: [SortField("b")], indexes)
        #expect(constant.source == .index(indexes[0]))
        let descending = try Self.plan(
            ["a": 1, "b": ["$gt": 0]], sort: [SortField("a", ascending: false)], indexes)
        #expect(descending.isDescending)
    }

    @Test func narrowsRangesAsCouchDB() throws {
        let selector = try MangoSelector(["n": ["$gt": 1, "$lte": 5, "$lt": 9]])
        #expect(
            selector.range(of: "n")
                == .range(lowOp: .gt, low: .value(1), highOp: .lte, high: .value(5)))
        let contradiction = try MangoSelector(["n": ["$gt": 5, "$lt": 2]])
        #expect(contradiction.range(of: "n") == .empty)
        let point = try MangoSelector(["n": ["$gte": 3, "$lte": 3]])
        #expect(
            point.range(of: "n") == .range(lowOp: .eq, low: .value(3), highOp: .eq, high: .value(3))
        )
        let plan = try Self.plan(["n": ["$gt": 5, "$lt": 2]], [Self.index("n", "n")])
        #expect(plan.isEmpty)
    }

    @Test func limitsAllDocsToTheIDRange() throws {
        let plan = try Self.plan(["_id": ["$gte": "b", "$lt": "d"]], [])
        #expect(plan.source == .allDocs)
        #expect(plan.startID == "b" && plan.endID == "d")
        #expect(plan.warnings == [QueryPlanner.noIndexWarning])
    }
}
