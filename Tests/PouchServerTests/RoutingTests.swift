import Pouch
import Testing

@testable import PouchServer

/// Path decoding, query parsing and route matching, without sockets.
@Suite struct RoutingTests {
    @Test func anEncodedSlashStaysInsideItsSegment() throws {
        #expect(try PathDecoding.segments("/db/a%2Fb") == ["db", "a/b"])
        #expect(try PathDecoding.segments("/db/_design/app") == ["db", "_design", "app"])
    }

    @Test func plusStaysPlusInAPathAndSpacesAndUnicodeAreDecoded() throws {
        #expect(try PathDecoding.segments("/db/a+b") == ["db", "a+b"])
        #expect(try PathDecoding.segments("/db/a%20b") == ["db", "a b"])
        // U+00E9 is C3 A9 in UTF-8.
        #expect(try PathDecoding.segments("/db/%C3%A9t%C3%A9") == ["db", "été"])
    }

    @Test func theRootAndATrailingSlashAddNoSegment() throws {
        #expect(try PathDecoding.segments("/") == [])
        #expect(try PathDecoding.segments("/db/") == ["db"])
    }

    @Test func malformedEscapesAndNonUTF8BytesAreBadRequests() {
        #expect(throws: PouchError.self) { try PathDecoding.segments("/db/%zz") }
        #expect(throws: PouchError.self) { try PathDecoding.segments("/db/%2") }
        #expect(throws: PouchError.self) { try PathDecoding.segments("/db/%FF") }
    }

    @Test func queryPlusIsASpaceAndEncodedPlusIsAPlus() throws {
        let query = try QueryParameters("a=1+2&b=%2B&flag")
        #expect(query["a"] == "1 2")
        #expect(query["b"] == "+")
        #expect(query["flag"] == "")
    }

    @Test func queryBooleansIntegersAndJSON() throws {
        let query = try QueryParameters("t=true&f=false&n=12&k=%22x%22&bad=yes")
        #expect(try query.bool("t"))
        #expect(try !query.bool("f"))
        #expect(try !query.bool("absent"))
        #expect(try query.int("n") == 12)
        #expect(try query.json("k") == "x")
        #expect(throws: PouchError.self) { try query.bool("bad") }
    }

    private func router() -> Router {
        var router = Router()
        router.add("GET", "/_all_dbs") { _ in .json("all") }
        router.add("GET", "/{db}/_all_docs", allowed: "GET,HEAD,POST") { _ in .json("docs") }
        router.add("GET", "/{db}/{doc}") { _ in .json("doc") }
        router.add("PUT", "/{db}/{doc}") { _ in .json("put") }
        router.add("GET", "/{db}/{doc}/{attachment*}") { _ in .json("att") }
        return router
    }

    @Test func routesMatchInOrderWithParameters() {
        guard case .found(_, let parameters) = router().match("GET", ["db", "_all_docs"]) else {
            Issue.record("no match")
            return
        }
        #expect(parameters == ["db": "db"])
        guard case .found(_, let doc) = router().match("GET", ["db", "d1"]) else {
            Issue.record("no match")
            return
        }
        #expect(doc == ["db": "db", "doc": "d1"])
    }

    @Test func aRestParameterJoinsTheRemainingSegments() {
        guard case .found(_, let parameters) = router().match("GET", ["db", "d", "a", "b.txt"])
        else {
            Issue.record("no match")
            return
        }
        #expect(parameters["attachment"] == "a/b.txt")
    }

    @Test func aKnownPathWithAnotherMethodIsMethodNotAllowed() {
        guard case .methodNotAllowed(let allowed) = router().match("DELETE", ["db", "_all_docs"])
        else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == "GET,HEAD,POST")
    }

    @Test func headFallsBackToGet() {
        guard case .found = router().match("HEAD", ["db", "d1"]) else {
            Issue.record("HEAD not routed to GET")
            return
        }
    }

    @Test func databaseNamesFollowCouchDBsRule() {
        #expect(DatabaseName.isLegal("a"))
        #expect(DatabaseName.isLegal("a1_$()+-/b"))
        #expect(!DatabaseName.isLegal("A"))
        #expect(!DatabaseName.isLegal("1a"))
        #expect(!DatabaseName.isLegal("_users"))
        #expect(!DatabaseName.isLegal("a b"))
        #expect(!DatabaseName.isLegal(""))
    }
}
