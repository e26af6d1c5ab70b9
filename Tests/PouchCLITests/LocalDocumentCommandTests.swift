import Foundation
import Glibc
import Pouch
import Testing

/// `pouch put`, `get` and `delete` of `_local/` documents, whose revisions
/// are `0-N` (CouchDB 3: `0-1` when created, `0-0` in the answer to a
/// delete, which needs no revision check), on a file and on `pouch serve`.
@Suite struct LocalDocumentCommandTests {
    /// Puts `_local/bar`, reads it, deletes it with `extraArguments`, and
    /// checks it is gone.
    static func checkRoundTrip(
        _ runner: CommandRunner, _ database: String, _ extraArguments: [String]
    ) throws {
        let put = try runner.run(["put", database], input: #"{"_id":"_local/bar","n":1}"#)
        #expect(put.status == 0, "\(put.errors)")
        #expect(try JSON(parsing: put.output) == ["ok": true, "id": "_local/bar", "rev": "0-1"])
        let get = try runner.run(["get", database, "_local/bar"])
        #expect(try JSON(parsing: get.output) == ["_id": "_local/bar", "_rev": "0-1", "n": 1])

        let delete = try runner.run(["delete", database, "_local/bar"] + extraArguments)
        #expect(delete.status == 0, "\(delete.errors)")
        #expect(
            try JSON(parsing: delete.output) == ["ok": true, "id": "_local/bar", "rev": "0-0"])
        let gone = try runner.run(["get", database, "_local/bar"])
        #expect(gone.status == 1)
        #expect(gone.errors.hasPrefix("not_found: missing"))
    }

    @Test(arguments: [[], ["--rev", "0-1"]])
    func deletesALocalDocumentOfAFile(_ extraArguments: [String]) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        try Self.checkRoundTrip(runner, "ids.sqlite", extraArguments)
    }

    @Test func deletesALocalDocumentOnAServer() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try serve.listeningPort()
        defer {
            serve.send(SIGTERM)
            _ = try? serve.waitForExit()
        }
        #expect(try ServeCommandTests.send(port, "PUT /ids").status == 201)
        let url = "http://127.0.0.1:\(port)/ids"
        try Self.checkRoundTrip(runner, url, [])
        try Self.checkRoundTrip(runner, url, ["--rev", "0-1"])
    }

    @Test func aMalformedRevisionIsStillRefused() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        _ = try runner.run(["put", "ids.sqlite"], input: #"{"_id":"_local/bar"}"#)
        let bad = try runner.run(["delete", "ids.sqlite", "_local/bar", "--rev", "bogus"])
        #expect(bad.status == 1)
        #expect(bad.errors.hasPrefix("bad_request: Invalid rev format"))
        // A normal document keeps CouchDB's rule: generation 0 is invalid.
        _ = try runner.run(["put", "ids.sqlite"], input: #"{"_id":"plain"}"#)
        let zero = try runner.run(["delete", "ids.sqlite", "plain", "--rev", "0-1"])
        #expect(zero.status == 1)
        #expect(zero.errors.hasPrefix("bad_request: Invalid rev format"))
        #expect(try runner.run(["get", "ids.sqlite", "_local/bar"]).status == 0)
    }
}
