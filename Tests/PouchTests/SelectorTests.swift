import Testing

@testable import Pouch

/// Selectors against the documents of CouchDB conformance scenario API-20,
/// with the answers a real CouchDB 3.5 gave.
@Suite struct SelectorTests {
    static let people: [JSON] = [
        [
            "_id": "p1", "name": "Ann", "age": 34, "tags": ["a", "b"],
            "addr": ["city": "Nairobi"],
        ],
        ["_id": "p2", "name": "Ben", "age": 9, "tags": ["b"], "addr": ["city": "Kisumu"]],
        ["_id": "p3", "name": "Cy", "age": 61, "tags": [], "active": false],
        ["_id": "p4", "name": "Di", "age": "unknown", "tags": ["a", "c", "d"]],
    ]

    static func ids(matching selector: String) throws -> [String] {
        let compiled = try MangoSelector(JSON(parsing: selector))
        return people.filter { compiled.matches($0) }.compactMap { $0["_id"]?.stringValue }
    }

    @Test(arguments: [
        (#"{"name": "Ben"}"#, ["p2"]),
        (#"{"age": {"$gte": 10, "$lt": 100}}"#, ["p1", "p3"]),
        (#"{"age": {"$gt": 100}}"#, ["p4"]),
        (#"{"addr.city": {"$in": ["Nairobi", "Mombasa"]}}"#, ["p1"]),
        (#"{"$and": [{"tags": {"$all": ["a"]}}, {"age": {"$type": "number"}}]}"#, ["p1"]),
        (#"{"$or": [{"name": "Cy"}, {"age": 9}]}"#, ["p2", "p3"]),
        (#"{"$nor": [{"name": "Cy"}, {"age": 9}]}"#, ["p1", "p4"]),
        (#"{"age": {"$not": {"$gt": 20}}}"#, ["p2"]),
        (#"{"name": {"$nin": ["Ann", "Ben"]}}"#, ["p3", "p4"]),
        (#"{"active": {"$exists": true}}"#, ["p3"]),
        (#"{"tags": {"$size": 1}}"#, ["p2"]),
        (#"{"age": {"$mod": [3, 1]}}"#, ["p1", "p3"]),
        (#"{"tags": {"$elemMatch": {"$in": ["c", "z"]}}}"#, ["p4"]),
        (#"{"_id": {"$gt": null}}"#, ["p1", "p2", "p3", "p4"]),
    ])
    func matchesAsCouchDBDid(selector: String, expected: [String]) throws {
        #expect(try Self.ids(matching: selector) == expected)
    }

    @Test(arguments: [
        // A condition never matches a document lacking the field...
        (#"{"active": {"$ne": true}}"#, ["p3"]),
        (#"{"active": {"$nin": [true]}}"#, ["p3"]),
        (#"{"addr.city": {"$ne": "Kisumu"}}"#, ["p1"]),
        (#"{"$not": {"active": false}}"#, [String]()),
        // ...except $exists: false.
        (#"{"active": {"$exists": false}}"#, ["p1", "p2", "p4"]),
        (#"{"$not": {"active": {"$exists": true}}}"#, ["p1", "p2", "p4"]),
    ])
    func missingFieldsNeverMatchOtherConditions(selector: String, expected: [String]) throws {
        #expect(try Self.ids(matching: selector) == expected)
    }

    @Test(arguments: [
        (#"{"tags": {"$allMatch": {"$gte": "a", "$lt": "c"}}}"#, ["p1", "p2"]),
        (#"{"tags": {"$all": ["a", "d"]}}"#, ["p4"]),
        (#"{"tags": {"$all": [["b"]]}}"#, ["p2"]),
        (#"{"tags": {"$all": []}}"#, [String]()),
        (#"{"tags": {"$in": ["d"]}}"#, ["p4"]),
        (#"{"tags": {"$eq": []}}"#, ["p3"]),
        (#"{"tags.1": "b"}"#, ["p1"]),
        (#"{"addr": {"$keyMapMatch": {"$eq": "city"}}}"#, ["p1", "p2"]),
        (#"{"name": {"$regex": "^[AB]"}}"#, ["p1", "p2"]),
        (#"{"name": {"$beginsWith": "C"}}"#, ["p3"]),
        (#"{"age": {"$type": "string"}}"#, ["p4"]),
        (#"{"active": {"$type": "boolean"}}"#, ["p3"]),
        (#"{"age": {"$lte": 9}}"#, ["p2"]),
        (#"{"age": {"$eq": 9.0}}"#, ["p2"]),
        (#"{"$or": []}"#, ["p1", "p2", "p3", "p4"]),
        (#"{"$and": []}"#, ["p1", "p2", "p3", "p4"]),
        (#"{"name": {"$in": []}}"#, [String]()),
        (#"{"name": {"$nin": []}}"#, ["p1", "p2", "p3", "p4"]),
        (#"{}"#, ["p1", "p2", "p3", "p4"]),
        (#"{"addr": {"city": "Kisumu"}}"#, ["p2"]),
        (#"{"$not": {"$or": [{"age": 9}, {"age": 34}]}}"#, ["p3", "p4"]),
    ])
    func matchesEveryOperator(selector: String, expected: [String]) throws {
        #expect(try Self.ids(matching: selector) == expected)
    }

    @Test func comparesIDsInRawOrder() throws {
        // Collation puts "a" before "B"; _id compares code points, "B" < "a".
        let selector = try MangoSelector(["_id": ["$gt": "B"]])
        #expect(selector.matches(["_id": "a"]))
        let collated = try MangoSelector(["name": ["$gt": "B"]])
        #expect(!collated.matches(["name": "a"]))
    }

    @Test func escapedDotsNameOneField() throws {
        let selector = try MangoSelector(JSON(parsing: #"{"a\\.b": 1}"#))
        let flat = try JSON(parsing: #"{"a.b": 1}"#)
        let nested = try JSON(parsing: #"{"a": {"b": 1}}"#)
        #expect(selector.matches(flat))
        #expect(!selector.matches(nested))
    }

    @Test(arguments: [
        (#"{"age": {"$bogus": 1}}"#, "invalid_operator", "Invalid operator: $bogus"),
        (#"{"age": {"$in": 5}}"#, "bad_arg", "Bad argument for operator $in: 5"),
        (
            #"{"age": {"$exists": "yes"}}"#, "bad_arg",
            #"Bad argument for operator $exists: <<"yes">>"#
        ),
        (#"{"age": {"$size": -1}}"#, "bad_arg", "Bad argument for operator $size: -1"),
        (#"{"age": {"$mod": [3]}}"#, "bad_arg", "Bad argument for operator $mod: [3]"),
        (#"{"name": {"$regex": "("}}"#, "bad_arg", #"Bad argument for operator $regex: <<"(">>"#),
        (#"{"$or": {"a": 1}}"#, "bad_arg", #"Bad argument for operator $or: {[{<<"a">>,1}]}"#),
        (#"{"a": {"$where": "x"}}"#, "not_supported", "Unsupported operator: $where"),
        (#"{"$gt": 1}"#, "invalid_selector", "One or more conditions is missing a field name."),
        (#"[1]"#, "invalid_selector_json", "Selector must be a JSON object, not: [1]"),
    ])
    func refusesBadSelectorsAsCouchDBDoes(selector: String, error: String, reason: String) throws {
        let json = try JSON(parsing: selector)
        #expect(throws: PouchError(PouchError.Code(error), reason, status: 400)) {
            try MangoSelector(json)
        }
    }

    @Test func matchesSelectorParsesAndMatches() throws {
        #expect(try matchesSelector(["type": "person"], ["type": "person"]))
        #expect(try !matchesSelector(["type": "person"], ["type": "clinic"]))
        #expect(throws: PouchError.self) { try matchesSelector(["a": ["$x": 1]], [:]) }
    }

    /// CouchDB's own examples of normalisation (`mango_selector.erl`).
    @Test func normalisesAsCouchDB() throws {
        let nested = try MangoSelector(JSON(parsing: #"{"foo": {"bar": {"$gt": 10}}}"#))
        #expect(nested.normalizedJSON == (try JSON(parsing: #"{"foo.bar": {"$gt": 10}}"#)))
        let negated = try MangoSelector(
            JSON(parsing: #"{"$not": {"$and": [{"foo": {"$gt": 10}}, {"foo": {"$lt": 5}}]}}"#))
        #expect(
            negated.normalizedJSON
                == (try JSON(parsing: #"{"$or": [{"foo": {"$lte": 10}}, {"foo": {"$gte": 5}}]}"#)))
        let range = try MangoSelector(
            JSON(parsing: #"{"foo": {"$and": [{"$gt": 5}, {"$lt": 10}]}}"#))
        #expect(
            range.normalizedJSON
                == (try JSON(parsing: #"{"$and": [{"foo": {"$gt": 5}}, {"foo": {"$lt": 10}}]}"#)))
    }
}
