import Foundation
import Testing

@testable import Pouch

/// `find` and indexes on a local database, against the answers CouchDB 3.5
/// gave in conformance scenarios API-20 and API-21.
@Suite struct FindTests {
    static func people() async throws -> Database {
        let db = try Database.inMemory(name: "people")
        _ = try await db.bulkDocs(SelectorTests.people, newEdits: true)
        return db
    }

    static func visits() async throws -> Database {
        let db = try Database.inMemory(name: "visits")
        let docs: [JSON] = [
            ["_id": "r1", "type": "visit", "date": "2024-03-01"],
            ["_id": "r2", "type": "visit", "date": "2024-01-15"],
            ["_id": "r3", "type": "visit", "date": "2024-02-10"],
            ["_id": "r4", "type": "other", "date": "2024-01-01"],
        ]
        _ = try await db.bulkDocs(docs, newEdits: true)
        return db
    }

    static func ids(_ response: FindResponse) -> [String] {
        response.docs.compactMap { $0["_id"]?.stringValue }
    }

    static func query(_ text: String) throws -> FindQuery {
        try FindQuery(json: JSON(parsing: text))
    }

    @Test func findsWithoutAnIndexAndWarns() async throws {
        let db = try await Self.people()
        let response = try await db.find(Self.query(#"{"selector": {"name": "Ben"}}"#))
        #expect(Self.ids(response) == ["p2"])
        #expect(response.docs[0]["age"] == 9)
        #expect(response.docs[0]["_rev"]?.stringValue?.hasPrefix("1-") == true)
        #expect(response.warning == QueryPlanner.noIndexWarning)
    }

    @Test func projectsFieldsAndPagesWithBookmarks() async throws {
        let db = try await Self.people()
        let fields = try await db.find(
            Self.query(
                #"""
                {"selector": {"_id": {"$gt": null}}, "fields": ["_id", "addr.city", "missing"],
                "limit": 2}
                """#
            ))
        #expect(
            fields.docs == [
                ["_id": "p1", "addr": ["city": "Nairobi"]],
                ["_id": "p2", "addr": ["city": "Kisumu"]],
            ])
        let skip = try await db.find(
            Self.query(#"{"selector": {"_id": {"$gt": null}}, "skip": 3}"#))
        #expect(Self.ids(skip) == ["p4"])
        var next = try Self.query(#"{"selector": {"_id": {"$gt": null}}, "limit": 2}"#)
        let page1 = try await db.find(next)
        #expect(Self.ids(page1) == ["p1", "p2"])
        next.bookmark = page1.bookmark
        let page2 = try await db.find(next)
        #expect(Self.ids(page2) == ["p3", "p4"])
    }

    @Test func reportsExecutionStatistics() async throws {
        let db = try await Self.people()
        let response = try await db.find(
            Self.query(#"{"selector": {"name": "Ann"}, "execution_stats": true}"#))
        #expect(response.executionStats?["results_returned"] == 1)
        #expect(response.executionStats?["total_docs_examined"] == 4)
    }

    @Test func refusesBadOperatorsAndBadBookmarks() async throws {
        let db = try await Self.people()
        let bogus = FindQuery(selector: ["age": ["$bogus": 1]])
        await #expect(throws: MangoError.invalidOperator("$bogus")) { try await db.find(bogus) }
        var query = FindQuery(selector: [:])
        query.bookmark = "not a bookmark"
        await #expect(throws: PouchError.self) { try await db.find(query) }
    }

    @Test func createsListsUsesAndDeletesAnIndex() async throws {
        let db = try await Self.visits()
        #expect(try await db.indexes() == [MangoIndex.allDocsInfo])
        let definition = try IndexDefinition(
            json: JSON(
                parsing:
                    #"""
                    {"index": {"fields": ["type", "date"]}, "ddoc": "visits",
                     "name": "by-type-date", "type": "json"}
                    """#
            ))
        let created = try await db.createIndex(definition)
        #expect(
            created
                == CreateIndexResult(result: "created", id: "_design/visits", name: "by-type-date"))
        let again = try await db.createIndex(definition)
        #expect(again.result == "exists")
        let listed = try await db.indexes()
        #expect(listed.count == 2)
        #expect(
            listed[1].json
                == (try JSON(
                    parsing:
                        #"""
                        {"ddoc": "_design/visits", "name": "by-type-date", "type": "json",
                        "partitioned": false, "def": {"fields": [{"type": "asc"}, {"date": "asc"}]}}
                        """#
                )))

        let sorted = try await db.find(
            Self.query(
                #"""
                {"selector": {"type": "visit", "date": {"$gt": null}},
                "sort": [{"type": "asc"}, {"date": "asc"}], "use_index": ["visits", "by-type-date"]}
                """#
            ))
        #expect(Self.ids(sorted) == ["r2", "r3", "r1"])
        #expect(sorted.warning == nil)
        let descending = try await db.find(
            Self.query(
                #"""
                {"selector": {"type": "visit"}, "sort": [{"type": "desc"}, {"date": "desc"}],
                "limit": 2}
                """#
            ))
        #expect(Self.ids(descending) == ["r1", "r3"])

        let ddoc = try await db.get("_design/visits")
        #expect(ddoc["language"] == "query")
        #expect(
            ddoc["views"]?["by-type-date"]?["map"]?["fields"] == ["type": "asc", "date": "asc"])

        try await db.deleteIndex(ddoc: "visits", name: "by-type-date")
        await #expect(throws: PouchError.notFound("missing")) {
            try await db.deleteIndex(ddoc: "visits", name: "by-type-date")
        }
        #expect(try await db.indexes().count == 1)
    }

    @Test func namesAnIndexItselfAndServesASort() async throws {
        let db = try await Self.visits()
        let created = try await db.createIndex(IndexDefinition(fields: [SortField("date")]))
        #expect(created.result == "created")
        #expect(created.id == "_design/" + created.name)
        let response = try await db.find(
            Self.query(
                #"""
                {"selector": {"date": {"$gt": "2024-01-10"}}, "sort": ["date"],
                "fields": ["_id"]}
                """#
            ))
        #expect(response.docs == [["_id": "r2"], ["_id": "r3"], ["_id": "r1"]])
        #expect(response.warning == nil)
    }

    @Test func refusesASortNoIndexServes() async throws {
        let db = try await Self.visits()
        let query = try Self.query(#"{"selector": {"_id": {"$gt": null}}, "sort": ["date"]}"#)
        await #expect(throws: MangoError.noIndexForSort) { try await db.find(query) }
        var mixed = FindQuery(selector: [:])
        mixed.sort = [SortField("type"), SortField("date", ascending: false)]
        await #expect(throws: MangoError.mixedSort) { try await db.find(mixed) }
        let byID = try await db.find(
            Self.query(#"{"selector": {}, "sort": [{"_id": "desc"}]}"#))
        #expect(Self.ids(byID) == ["r4", "r3", "r2", "r1"])
    }

    /// CouchDB leaves documents without an indexed field out of the index,
    /// and `$ne` never matches a document lacking the field.
    @Test func documentsLackingTheFieldMatchNeitherNeNorTheIndex() async throws {
        let db = try Database.inMemory(name: "missing")
        let docs: [JSON] = [
            ["_id": "a", "kind": "x", "n": 1], ["_id": "b", "n": 2],
            ["_id": "c", "kind": "y", "n": 3],
            ["_id": "d", "kind": .null, "n": 4],
        ]
        _ = try await db.bulkDocs(docs, newEdits: true)
        let unindexed = try await db.find(FindQuery(selector: ["kind": ["$ne": "x"]]))
        #expect(Self.ids(unindexed) == ["c", "d"])
        try await db.createIndex(
            IndexDefinition(fields: [SortField("kind")], name: "kind", ddoc: "k"))
        let indexed = try await db.find(FindQuery(selector: ["kind": ["$ne": "x"]]))
        #expect(Self.ids(indexed) == ["d", "c"])
        #expect(indexed.warning == nil)
        let sortedOnly = try await db.find(FindQuery(selector: [:], sort: [SortField("kind")]))
        #expect(Self.ids(sortedOnly) == ["d", "a", "c"])
    }

    @Test func keepsTheIndexInStepWithWrites() async throws {
        let db = try await Self.visits()
        try await db.createIndex(IndexDefinition(fields: [SortField("date")], name: "d", ddoc: "d"))
        let r1 = try await db.get("r1")
        var edited = r1
        edited["date"] = "2023-12-31"
        try await db.put(edited)
        let r2 = try await db.get("r2")
        try await db.remove("r2", rev: RevisionID(r2["_rev"]!.stringValue!)!)
        try await db.put(["_id": "r5", "date": "2024-05-05"])
        let query = FindQuery(selector: ["date": ["$gte": "2023-01-01"]], sort: [SortField("date")])
        let response = try await db.find(query)
        #expect(Self.ids(response) == ["r1", "r4", "r3", "r5"])
    }

    @Test func usesAPartialIndexOnlyWhenAskedTo() async throws {
        let db = try await Self.visits()
        try await db.createIndex(
            IndexDefinition(
                fields: [SortField("date")], name: "visit-dates", ddoc: "partial",
                partialFilterSelector: ["type": "visit"]))
        let plain = FindQuery(selector: ["date": ["$gt": "2024"]])
        #expect(try await db.find(plain).warning == QueryPlanner.noIndexWarning)
        var asked = plain
        asked.useIndex = ["partial", "visit-dates"]
        let response = try await db.find(asked)
        #expect(Self.ids(response) == ["r2", "r3", "r1"])
        #expect(response.warning == nil)
    }

    @Test func warnsWhenUseIndexCannotServeTheQuery() async throws {
        let db = try await Self.visits()
        var query = FindQuery(selector: ["type": "visit"])
        query.useIndex = ["nothing"]
        let response = try await db.find(query)
        #expect(
            response.warning
                == "_design/nothing was not used because it does not contain a valid index "
                + "for this query.\n"
                + QueryPlanner.noIndexWarning)
        #expect(Self.ids(response) == ["r1", "r2", "r3"])
    }

    /// An index arrives as a design document, as replication brings it.
    @Test func buildsAnIndexFromAReplicatedDesignDocument() async throws {
        let db = try await Self.visits()
        let ddoc = try JSON(
            parsing: #"""
                {"_id": "_design/rep", "_rev": "1-abc", "language": "query",
                 "views": {"by-date": {
                   "map": {"fields": {"date": "asc"}, "partial_filter_selector": {}},
                 "reduce": "_count", "options": {"def": {"fields": ["date"]}}}}}
                """#)
        _ = try await db.bulkDocs([ddoc], newEdits: false)
        let names = try await db.indexes().map(\.name)
        #expect(names == ["_all_docs", "by-date"])
        let response = try await db.find(
            FindQuery(selector: ["date": ["$lt": "2024-02"]], sort: [SortField("date")]))
        #expect(Self.ids(response) == ["r4", "r2"])
    }

    /// An indexed query reads only the rows in its key range.
    @Test func indexedFindReadsOnlyItsRange() async throws {
        let db = try Database.inMemory(name: "many")
        let docs: [JSON] = (0..<3000).map { i in
            [
                "_id": .string(String(format: "doc%05d", i)), "n": .int(Int64(i)),
                "group": .int(Int64(i % 30)),
            ]
        }
        _ = try await db.bulkDocs(docs, newEdits: true)
        try await db.createIndex(IndexDefinition(fields: [SortField("group"), SortField("n")]))
        var query = FindQuery(selector: ["group": 7, "n": ["$gte": 1000]], executionStats: true)
        query.limit = 100
        let response = try await db.find(query)
        let expected = (0..<3000).filter { $0 % 30 == 7 && $0 >= 1000 }.map {
            String(format: "doc%05d", $0)
        }
        #expect(Self.ids(response) == expected)
        #expect(response.executionStats?["total_docs_examined"] == .int(Int64(expected.count)))
    }

    @Test func refusesToAddAnIndexToAJavaScriptDesignDocument() async throws {
        let db = try await Self.visits()
        try await db.put(["_id": "_design/js", "language": "javascript", "views": [:]])
        let definition = IndexDefinition(fields: [SortField("date")], ddoc: "js")
        let expected = PouchError(
            PouchError.Code("invalid_ddoc_lang"),
            #"Existing design doc has an invalid language: {<<"language">>,<<"javascript">>}"#,
            status: 400)
        await #expect(throws: expected) { try await db.createIndex(definition) }
    }

    @Test func explainsWhichIndexAQueryUses() async throws {
        let db = try await Self.visits()
        try await db.createIndex(IndexDefinition(fields: [SortField("date")], name: "d", ddoc: "d"))
        let plan = try await db.explain(FindQuery(selector: ["date": ["$gte": "2024-02"]]))
        #expect(plan["index"]?["name"] == "d")
        #expect(plan["mrargs"]?["start_key"] == ["2024-02"])
        #expect(plan["mrargs"]?["end_key"] == ["<MAX>"])
    }

    @Test func refusesToFallBackWhenAskedNotTo() async throws {
        let db = try await Self.visits()
        var query = try Self.query(
            #"{"selector": {"date": {"$gt": "2024"}}, "allow_fallback": false}"#)
        await #expect(throws: MangoError.fallbackRefused) { try await db.find(query) }
        try await db.createIndex(IndexDefinition(fields: [SortField("date")], name: "d", ddoc: "d"))
        #expect(Self.ids(try await db.find(query)) == ["r4", "r2", "r3", "r1"])
        query.useIndex = ["other"]
        await #expect(throws: MangoError.fallbackRefused) { try await db.find(query) }
    }

    /// Paging with bookmarks through an index gives every matching document
    /// once, in index order, in either direction.
    @Test func pagesThroughAnIndexWithBookmarks() async throws {
        let db = try Database.inMemory(name: "paging")
        let docs: [JSON] = (0..<25).map { i in
            ["_id": .string("d\(i)"), "group": .int(Int64(i % 2)), "n": .int(Int64(i % 5))]
        }
        _ = try await db.bulkDocs(docs, newEdits: true)
        try await db.createIndex(IndexDefinition(fields: [SortField("n")], name: "n", ddoc: "n"))
        for ascending in [true, false] {
            var query = FindQuery(
                selector: ["group": 0], sort: [SortField("n", ascending: ascending)])
            query.limit = 4
            var seen: [String] = []
            while true {
                let page = try await db.find(query)
                if page.docs.isEmpty { break }
                seen += Self.ids(page)
                query.bookmark = page.bookmark
            }
            // Equal keys are ordered by id in raw order.
            let expected = docs.filter { $0["group"] == 0 }.sorted { a, b in
                let (x, y) = (a["n"]!.intValue!, b["n"]!.intValue!)
                let (p, q) = (a["_id"]!.stringValue!, b["_id"]!.stringValue!)
                return ascending ? (x, p) < (y, q) : (x, p) > (y, q)
            }
            #expect(seen == expected.map { $0["_id"]!.stringValue! })
        }
    }
}
