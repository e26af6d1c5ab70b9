import Foundation
import Glibc
import Pouch
import Testing

/// Documents that were not written make `pouch replicate`, `sync` and
/// `import` exit 1 and are named on standard error, while the summary
/// still counts them (CouchDB's `doc_write_failures`).
@Suite(.serialized) struct WriteFailureTests {
    /// A document larger than the server's 64 MiB request limit, which
    /// the server answers 413 however the replicator splits the batch.
    static func writeOversizedSource(_ path: String) async throws {
        let source = try Database(path: path)
        try await source.put(["_id": "small", "n": 1])
        let padding = String(repeating: "x", count: 65 * 1024 * 1024)
        try await source.put(["_id": "huge", "padding": .string(padding)])
    }

    @Test func replicateAndSyncExitOneWhenADocumentIsRefused() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        try await Self.writeOversizedSource(runner.path("source.sqlite"))
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try serve.listeningPort()
        defer {
            serve.send(SIGTERM)
            _ = try? serve.waitForExit()
        }
        let url = "http://127.0.0.1:\(port)/target"
        let push = try runner.run([
            "replicate", "source.sqlite", url, "--create-target", "--json",
        ])
        #expect(push.status == 1)
        let summary = try JSON(parsing: push.output)
        #expect(summary["docs_read"] == 2)
        #expect(summary["docs_written"] == 1)
        #expect(summary["doc_write_failures"] == 1)
        #expect(push.errors.contains("huge"))
        #expect(push.errors.contains("doc_write_failures: 1 document was not written"))
        let small = try ServeCommandTests.send(port, "GET /target/small")
        #expect(small.status == 200)

        // A new target: the first one's checkpoint is past the failed document.
        let fresh = "http://127.0.0.1:\(port)/fresh"
        let sync = try runner.run([
            "sync", "source.sqlite", fresh, "--create-target", "--json",
        ])
        #expect(sync.status == 1)
        #expect(try JSON(parsing: sync.output)["push"]?["doc_write_failures"] == 1)
        #expect(sync.errors.contains("huge"))
    }

    @Test func importNamesEachRefusedDocument() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        // Creating "b" again without its _rev is CouchDB's conflict.
        _ = try runner.run(["put", "db.sqlite"], input: #"{"_id":"b"}"#)
        let lines = [#"{"_id":"a"}"#, #"{"_id":"b"}"#, #"{"_id":"c"}"#]
        let file = runner.path("docs.ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let outcome = try runner.run(["import", "db.sqlite", file])
        #expect(outcome.status == 1)
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors.contains("failed b: conflict: Document update conflict."))
        #expect(outcome.errors.contains("imported 2 documents (1 failed)"))
        let listed = try runner.run(["all-docs", "db.sqlite"])
        #expect(listed.lines.count == 3)
    }
}
