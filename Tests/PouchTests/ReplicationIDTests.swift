import Testing

@testable import Pouch

@Suite struct ReplicationIDTests {
    @Test func isTheMD5HexOfTheCanonicalDescription() {
        let id = ReplicationID(source: "a", target: "b", filter: .docIDs(["y", "x"]))
        // The canonical description written out by hand: keys sorted, ids sorted.
        let text = #"{"filter":{"doc_ids":["x","y"]},"source":"a","target":"b","version":1}"#
        #expect(id.value == MD5.digest(Array(text.utf8)).hexString)
        #expect(id.checkpointID == "_local/" + id.value)
    }

    @Test func sameFilterInAnotherOrderGivesTheSameID() {
        let first = ReplicationID(
            source: "a", target: "b", filter: .selector(["type": "x", "n": 1]))
        let second = ReplicationID(
            source: "a", target: "b", filter: .selector(["n": 1, "type": "x"]))
        #expect(first == second)
        let ids = ReplicationID(source: "a", target: "b", filter: .docIDs(["1", "2"]))
        #expect(ids == ReplicationID(source: "a", target: "b", filter: .docIDs(["2", "1"])))
    }

    @Test func everythingThatChangesWhichDocumentsFlowChangesTheID() {
        let filters: [ChangesFilter] = [
            .none, .docIDs(["a"]), .docIDs(["a", "b"]), .selector(["t": 1]),
            .selector(["t": 2]), .server(name: "d/f", queryParameters: [:]),
            .server(name: "d/f", queryParameters: ["k": "v"]),
            .server(name: "d/g", queryParameters: [:]),
            .predicate(identity: "p1", { _ in true }), .predicate(identity: "p2", { _ in true }),
        ]
        let ids = filters.map { ReplicationID(source: "s", target: "t", filter: $0) }
        #expect(Set(ids).count == filters.count)
        let swapped = ReplicationID(source: "t", target: "s", filter: .none)
        #expect(!ids.contains(swapped))
    }
}

@Suite struct BackoffTests {
    @Test func doublesFromTheInitialDelayUpToTheCap() {
        let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(700))
        let delays = (0..<6).map { backoff.delay(attempt: $0) }
        let expected: [Duration] = [100, 200, 400, 700, 700, 700].map { .milliseconds($0) }
        #expect(delays == expected)
    }

    @Test func retriesNetworkAndServerErrorsOnly() {
        #expect(Backoff.isTransient(PouchError(.network, "down", status: 0)))
        #expect(Backoff.isTransient(PouchError(.internalError, "oops", status: 503)))
        #expect(!Backoff.isTransient(.unauthorized("who")))
        #expect(!Backoff.isTransient(.forbidden("no")))
        #expect(!Backoff.isTransient(.notFound()))
        #expect(!Backoff.isTransient(.badRequest("bad")))
    }
}
