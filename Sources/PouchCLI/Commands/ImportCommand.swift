import Foundation
import Pouch
import PouchCHT

/// `pouch import DATABASE SOURCE`: bulk-loads JSON documents from a folder,
/// an NDJSON file or a `.tar.gz` of JSON files.
struct ImportCommand: Command {
    static let spec = CommandSpec(
        name: "import", summary: "Bulk-load documents from a folder, NDJSON file or .tar.gz.",
        arguments: [
            ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL."),
            ArgumentSpec(
                name: "SOURCE", help: "A folder of .json files, an .ndjson file or a .tar.gz."),
        ],
        options: [
            .value("batch-size", "N", "Documents per bulk write (default 1000)."),
            .flag("json", "Print the summary as JSON on standard output (else text on stderr)."),
        ],
        discussion: """
            Documents that carry a "_rev" keep it (written as replicated revisions);
            the others are created.
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let batchSize = try arguments.positiveInteger("batch-size") ?? 1000
        let reader = try DocumentArchive(path: arguments.positionals[1]).makeReader()
        let database = try await DatabaseLocation(arguments.positionals[0]).open()
        let start = Date()
        var tally = (written: 0, failed: 0)
        while case let batch = try reader.nextBatch(maxCount: batchSize), !batch.isEmpty {
            tally = try await write(batch, to: database, tally: tally, terminal)
            terminal.progress("importing", done: tally.written + tally.failed, total: nil)
        }
        terminal.endProgress()
        let (written, failed) = tally
        let seconds = Date().timeIntervalSince(start)
        report(
            written: written, failed: failed, seconds: seconds, json: arguments.flag("json"),
            terminal)
        try WriteFailures.check(failed)
    }

    private static func write(
        _ batch: [JSON], to database: any DocumentDatabase, tally: (written: Int, failed: Int),
        _ terminal: Terminal
    ) async throws -> (written: Int, failed: Int) {
        let replicated = batch.filter { $0["_rev"] != nil }
        let created = batch.filter { $0["_rev"] == nil }
        var results: [BulkDocsResult] = []
        if !replicated.isEmpty {
            results += try await database.bulkDocs(replicated, newEdits: false)
        }
        if !created.isEmpty {
            results += try await database.bulkDocs(created, newEdits: true)
        }
        var failed = 0
        for result in results {
            guard let error = result.error else { continue }
            terminal.endProgress()
            WriteFailures.report(result.id, error, terminal)
            failed += 1
        }
        return (tally.written + batch.count - failed, tally.failed + failed)
    }

    private static func report(
        written: Int, failed: Int, seconds: Double, json: Bool, _ terminal: Terminal
    ) {
        let rate = seconds > 0 ? Double(written) / seconds : 0
        let summary: JSON = [
            "docs_written": .int(Int64(written)), "doc_write_failures": .int(Int64(failed)),
            "seconds": .double((seconds * 1000).rounded() / 1000),
        ]
        let text =
            "imported \(written) documents (\(failed) failed) in "
            + String(format: "%.2f s, %.0f docs/s", seconds, rate)
        terminal.summary(summary, text: text, asJSON: json)
    }
}
