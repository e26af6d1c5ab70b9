import Foundation
import Pouch
import Testing

/// Standard output carries only JSON: a command whose result is a summary
/// prints it as text on standard error, or as one JSON line on standard
/// output with `--json` (Docs/CLI.md).
@Suite struct SummaryOutputTests {
    @Test func importAndReplicateSummariesGoToStandardError() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let file = runner.path("docs.ndjson")
        try Data("{\"_id\":\"a\"}\n{\"_id\":\"b\"}".utf8).write(to: URL(fileURLWithPath: file))
        let text = try runner.run(["import", "db.sqlite", file])
        #expect(text.status == 0)
        #expect(text.output.isEmpty)
        #expect(text.errors.hasPrefix("imported 2 documents (0 failed)"))

        let copy = try runner.run(["replicate", "db.sqlite", "copy.sqlite"])
        #expect(copy.status == 0)
        #expect(copy.output.isEmpty)
        #expect(copy.errors.hasPrefix("replicated: 2 read, 2 written, 0 failed"))
        let sync = try runner.run(["sync", "db.sqlite", "copy.sqlite", "--json"])
        #expect(sync.status == 0)
        #expect(try JSON(parsing: sync.output)["pull"]?["docs_read"] == 0)
    }

    /// The demo edits one person and writes one report offline (2 `medic`
    /// documents) and adds a read marker and a feedback document to meta
    /// (2 meta documents): its step line and summary name both parts.
    @Test func demoCountsNameTheirDatabase() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let demo = try runner.run(["demo", "--docs", "60", "--data", "demo", "--json"])
        #expect(demo.status == 0, "\(demo.errors)")
        let summary = try JSON(parsing: demo.output)
        #expect(summary["pushed"] == 4)
        #expect(summary["pushed_meta"] == 2)
        #expect(demo.errors.contains("second sync: medic pushed 2, fetched "))
        #expect(demo.errors.contains("; meta pushed 2, pulled "))
    }
}
