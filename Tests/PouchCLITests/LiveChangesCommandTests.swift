import Foundation
import Glibc
import Pouch
import Testing

/// `pouch changes --live --limit N` stops after N changes, on a file and on
/// a `pouch serve` URL alike (Docs/Changes.md: a limit ends a live feed).
@Suite struct LiveChangesCommandTests {
    static func checkStopsAfterTwo(_ runner: CommandRunner, _ database: String) async throws {
        let outcome = try await runner.run(
            ["changes", database, "--live", "--limit", "2"], timeout: 60)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let ids = try outcome.lines.map { try JSON(parsing: $0)["id"] }
        #expect(ids == ["d1", "d2"])
    }

    @Test func stopsAfterTheLimitOnAFile() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        for id in ["d1", "d2", "d3"] {
            _ = try await runner.run(["put", "db.sqlite"], input: #"{"_id":"\#(id)"}"#)
        }
        try await Self.checkStopsAfterTwo(runner, "db.sqlite")
    }

    @Test func stopsAfterTheLimitOnAServer() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try await serve.listeningPort()
        defer { serve.stop() }
        #expect(try ServeCommandTests.send(port, "PUT /db").status == 201)
        for id in ["d1", "d2", "d3"] {
            #expect(try ServeCommandTests.send(port, "PUT /db/\(id)", body: "{}").status == 201)
        }
        try await Self.checkStopsAfterTwo(runner, "http://127.0.0.1:\(port)/db")
    }
}
