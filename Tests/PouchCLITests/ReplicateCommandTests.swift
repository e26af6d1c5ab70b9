import Foundation
import Glibc
import Pouch
import TestSupport
import Testing

/// Runs `pouch replicate` between a database file and `pouch serve`, both
/// as processes: documents arrive in each direction, the `--json` summary
/// carries CouchDB's replication counts, and a second run resumes from the
/// checkpoint so it reads nothing new.
@Suite struct ReplicateCommandTests {
    static let admin = "admin:secret"

    @Test func replicatesFileToServerAndBack() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let source = try Database(path: runner.path("source.sqlite"))
        for number in 1...5 {
            _ = try await source.put(["_id": .string("doc\(number)"), "n": .int(Int64(number))])
        }
        let arguments = ["--data", runner.path("data"), "--port", "0", "--admin", Self.admin]
        let serve = try ServeProcess(runner, arguments)
        let port = try await serve.listeningPort()
        do {
            try await Self.checkRoundTrip(runner, port: port)
        } catch {
            serve.send(SIGKILL)
            throw error
        }
        serve.send(SIGTERM)
        try await serve.waitForExit()
        let copy = try Database(path: runner.path("copy.sqlite"))
        let rows = try await copy.allDocs().rows
        #expect(rows.compactMap(\.id) == ["doc1", "doc2", "doc3", "doc4", "doc5", "extra"])
        #expect(try await copy.get("extra")["from"] == "server")
        #expect(try await copy.get("doc3")["n"] == 3)
    }

    /// Pushes source.sqlite to the server, writes one more document there,
    /// pulls it into copy.sqlite, then pulls again.
    static func checkRoundTrip(_ runner: CommandRunner, port: Int) async throws {
        let url = "http://\(admin)@127.0.0.1:\(port)/target"
        let push = try await runner.run([
            "replicate", "source.sqlite", url, "--create-target", "--json",
        ])
        #expect(push.status == 0, "\(push.errors)")
        try checkSummary(push.output, read: 5)
        let listed = try ServeCommandTests.send(
            port, "GET /target/_all_docs", credentials: admin)
        #expect(try listed.json["total_rows"] == 5)

        let extra = try ServeCommandTests.send(
            port, "PUT /target/extra", body: #"{"from":"server"}"#, credentials: admin)
        #expect(extra.status == 201)
        let pull = try await runner.run(["replicate", url, "copy.sqlite", "--json"])
        #expect(pull.status == 0, "\(pull.errors)")
        try checkSummary(pull.output, read: 6)

        let again = try await runner.run(["replicate", url, "copy.sqlite", "--json"])
        #expect(again.status == 0, "\(again.errors)")
        try checkSummary(again.output, read: 0)
    }

    /// The summary names `read` documents read and written, no failures, a
    /// last sequence and a non-negative duration.
    static func checkSummary(_ output: String, read: Int64) throws {
        let summary = try JSON(parsing: output)
        #expect(summary["docs_read"] == .int(read))
        #expect(summary["docs_written"] == .int(read))
        #expect(summary["doc_write_failures"] == 0)
        #expect(summary["last_seq"] != nil && summary["last_seq"] != .null)
        #expect((summary["seconds"]?.doubleValue ?? -1) >= 0)
    }
}
