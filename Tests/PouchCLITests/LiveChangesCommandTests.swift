import Foundation
import Glibc
import Pouch
import Testing

/// `pouch changes --live --limit N` stops after N changes, on a file and on
/// a `pouch serve` URL alike (Docs/Changes.md: a limit ends a live feed).
@Suite struct LiveChangesCommandTests {
    static func checkStopsAfterTwo(_ runner: CommandRunner, _ database: String) throws {
        let outcome = try runner.run(
            ["changes", database, "--live", "--limit", "2"], timeout: 60)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let ids = try outcome.lines.map { try JSON(parsing: $0)["id"] }
        #expect(ids == ["d1", "d2"])
    }

    @Test func stopsAfterTheLimitOnAFile() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        for id in ["d1", "d2", "d3"] {
            _ = try runner.run(["put", "db.sqlite"], input: #"{"_id":"\#(id)"}"#)
        }
        try Self.checkStopsAfterTwo(runner, "db.sqlite")
    }

    @Test func stopsAfterTheLimitOnAServer() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try serve.listeningPort()
        defer {
            serve.send(SIGTERM)
            _ = try? serve.waitForExit()
        }
        #expect(try ServeCommandTests.send(port, "PUT /db").status == 201)
        for id in ["d1", "d2", "d3"] {
            #expect(try ServeCommandTests.send(port, "PUT /db/\(id)", body: "{}").status == 201)
        }
        try Self.checkStopsAfterTwo(runner, "http://127.0.0.1:\(port)/db")
    }
}
