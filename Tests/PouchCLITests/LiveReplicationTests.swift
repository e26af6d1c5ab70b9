import Foundation
import Glibc
import Pouch
import Testing

/// `pouch sync --live` and `pouch replicate --live` run until interrupted:
/// SIGINT is their normal end, so they print the summary and exit 0 (a
/// one-shot replication that is interrupted exits 1).
@Suite struct LiveReplicationTests {
    /// Waits up to 30 seconds for `id` to be readable in the file `path`.
    static func waitForDocument(_ id: String, in path: String) async throws -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path),
                (try? await Database(path: path).get(id)) != nil
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test(arguments: ["sync", "replicate"])
    func sigintEndsALiveReplicationWithExitZero(_ command: String) async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        _ = try runner.run(["put", "a.sqlite"], input: #"{"_id":"x"}"#)
        let live = try ServeProcess(
            runner, ["a.sqlite", "b.sqlite", "--live", "--json"], command: command)
        #expect(try await Self.waitForDocument("x", in: runner.path("b.sqlite")))
        live.send(SIGINT)
        #expect(try live.waitForExit() == .exit)
        #expect(live.status == 0, "\(live.errors)")
        let summary = try JSON(parsing: try #require(live.firstLine()))
        let push = command == "sync" ? summary["push"] : summary
        #expect(push?["docs_written"] == 1)
        #expect(push?["status"] == "cancelled")
    }
}
