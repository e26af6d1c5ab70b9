import Testing

@testable import Pouch

/// `_find` and `_index` request bodies, with the errors of CouchDB 3.5
/// (conformance scenarios API-20 and API-21).
@Suite struct FindQueryTests {
    @Test func readsAFullFindBody() throws {
        let body = try JSON(
            parsing: #"""
                {"selector": {"type": "visit"}, "fields": ["_id", "date"],
                 "sort": ["type", {"date": "asc"}], "limit": 2, "skip": 1,
                 "use_index": "visits/by-type-date", "execution_stats": true,
                 "bookmark": "abc", "conflicts": true, "r": 1, "update": true,
                 "stable": false, "stale": "ok"}
                """#)
        let query = try FindQuery(json: body)
        #expect(query.selector == ["type": "visit"])
        #expect(query.fields == ["_id", "date"])
        #expect(query.sort == [SortField("type"), SortField("date")])
        #expect(query.limit == 2)
        #expect(query.skip == 1)
        #expect(query.useIndex == ["visits", "by-type-date"])
        #expect(query.executionStats)
        #expect(query.conflicts)
        #expect(query.bookmark == "abc")
        #expect(try FindQuery(json: query.json) == query)
    }

    @Test func defaultsAsCouchDB() throws {
        let query = try FindQuery(json: ["selector": [:]])
        #expect(query.limit == 25)
        #expect(query.skip == 0)
        #expect(query.fields == nil)
        #expect(query.sort.isEmpty)
        #expect(query.useIndex == nil)
    }

    @Test(arguments: [
        ("_design/visits", ["visits"]), ("visits", ["visits"]), ("a/b", ["a", "b"]),
    ])
    func readsUseIndexStrings(text: String, expected: [String]) throws {
        let query = try FindQuery(json: ["selector": [:], "use_index": .string(text)])
        #expect(query.useIndex == expected)
    }

    @Test(arguments: [
        (#"{"limit": 1}"#, "missing_required_key", "Missing required key: selector"),
        (#"{"selector": {"age": {"$bogus": 1}}}"#, "invalid_operator", "Invalid operator: $bogus"),
        (
            #"{"selector": {}, "limit": -1}"#, "invalid_non_neg_integer",
            "-1 is not an integer greater than or equal to zero"
        ),
        (
            #"{"selector": {}, "sort": "a"}"#, "invalid_sort_json",
            #"Sort must be an array of sort specs, not: <<"a">>"#
        ),
        (
            #"{"selector": {}, "sort": [{"a": "up"}]}"#, "invalid_sort_field",
            #"Invalid sort field: {[{<<"a">>,<<"up">>}]}"#
        ),
        (
            #"{"selector": {}, "sort": [{"a": "asc"}, {"b": "desc"}]}"#, "unsupported_mixed_sort",
            "Sorts currently only support a single direction for all fields."
        ),
        (
            #"{"selector": {}, "fields": "a"}"#, "invalid_fields",
            #"Fields must be an array of strings, not: <<"a">>"#
        ),
        (
            #"{"selector": {}, "execution_stats": 1}"#, "invalid_boolean",
            "Invalid boolean value: 1"
        ),
        (#"{"selector": {}, "color": 1}"#, "invalid_key", "Invalid key color for this request."),
        (#"{"selector": {}, "use_index": 3}"#, "invalid_index_name", "Invalid index name: 3"),
    ])
    func refusesBadFindBodies(body: String, error: String, reason: String) throws {
        let json = try JSON(parsing: body)
        #expect(throws: PouchError(PouchError.Code(error), reason, status: 400)) {
            try FindQuery(json: json)
        }
    }

    @Test func readsAnIndexDefinition() throws {
        let body = try JSON(
            parsing: #"""
                {"index": {"fields": ["type", "date"],
                           "partial_filter_selector": {"type": "visit"}},
                 "ddoc": "visits", "name": "by-type-date", "type": "json"}
                """#)
        let index = try IndexDefinition(json: body)
        #expect(index.fields == [SortField("type"), SortField("date")])
        #expect(index.ddoc == "visits")
        #expect(index.name == "by-type-date")
        #expect(index.partialFilterSelector == ["type": "visit"])
        #expect(try IndexDefinition(json: index.json) == index)
    }

    @Test(arguments: [
        (#"{"index": {}}"#, "missing_required_key", "Missing required key: fields"),
        (
            #"{"index": {"fields": ["x"]}, "type": "nope"}"#, "invalid_index",
            "Invalid type for index: nope"
        ),
        (#"{"ddoc": "x"}"#, "missing_required_key", "Missing required key: index"),
        (#"{"index": 5}"#, "invalid_index", "JSON indexes must be an object, not: 5"),
        (#"{"index": {"fields": ["x"]}, "name": 5}"#, "invalid_string", "Invalid string: 5"),
    ])
    func refusesBadIndexDefinitions(body: String, error: String, reason: String) throws {
        let json = try JSON(parsing: body)
        #expect(throws: PouchError(PouchError.Code(error), reason, status: 400)) {
            try IndexDefinition(json: json)
        }
    }

    @Test func listsIndexesAsCouchDB() throws {
        let special = try JSON(
            parsing: #"""
                {"ddoc": null, "name": "_all_docs", "type": "special",
                 "def": {"fields": [{"_id": "asc"}]}}
                """#)
        #expect(MangoIndex.allDocsInfo.json == special)
        let json = try JSON(
            parsing: #"""
                {"ddoc": "_design/visits", "name": "by-type-date", "type": "json",
                 "partitioned": false, "def": {"fields": [{"type": "asc"}, {"date": "asc"}]}}
                """#)
        let info = IndexInfo(
            ddoc: "_design/visits", name: "by-type-date", type: "json",
            fields: [SortField("type"), SortField("date")])
        #expect(info.json == json)
        #expect(try IndexInfo(json: json) == info)
    }

    @Test func projectsFieldsAsCouchDB() throws {
        let doc: JSON = ["_id": "p1", "name": "Ann", "addr": ["city": "Nairobi", "zip": 1]]
        let projection = try FieldProjection(["_id", "addr.city", "missing"])
        #expect(projection.apply(to: doc) == ["_id": "p1", "addr": ["city": "Nairobi"]])
    }
}
