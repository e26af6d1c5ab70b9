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
            .flag("json", "Print a JSON summary."),
        ],
        discussion: """
            Documents that carry a "_rev" keep it (written as replicated revisions);
            the others are created.
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let batchSize = max(1, try arguments.integer("batch-size") ?? 1000)
        let reader = try DocumentArchive(path: arguments.positionals[1]).makeReader()
        let database = try await DatabaseLocation(arguments.positionals[0]).open()
        let start = Date()
        var tally = (written: 0, failed: 0)
        while case let batch = try reader.nextBatch(maxCount: batchSize), !batch.isEmpty {
            tally = try await write(batch, to: database, tally: tally)
            terminal.progress("importing", done: tally.written + tally.failed, total: nil)
        }
        terminal.endProgress()
        let (written, failed) = tally
        let seconds = Date().timeIntervalSince(start)
        report(
            written: written, failed: failed, seconds: seconds, json: arguments.flag("json"),
            terminal)
        if failed > 0 { throw PouchError.badRequest("\(failed) documents were not written") }
    }

    private static func write(
        _ batch: [JSON], to database: any DocumentDatabase, tally: (written: Int, failed: Int)
    ) async throws -> (written: Int, failed: Int) {
        var (written, failed) = tally
        let replicated = batch.filter { $0["_rev"] != nil }
        let created = batch.filter { $0["_rev"] == nil }
        if !replicated.isEmpty {
            let errors = try await database.bulkDocs(replicated, newEdits: false)
            failed += errors.count
            written += replicated.count - errors.count
        }
        if !created.isEmpty {
            for result in try await database.bulkDocs(created, newEdits: true) {
                if result.error == nil { written += 1 } else { failed += 1 }
            }
        }
        return (written, failed)
    }

    private static func report(
        written: Int, failed: Int, seconds: Double, json: Bool, _ terminal: Terminal
    ) {
        let rate = seconds > 0 ? Double(written) / seconds : 0
        if json {
            let summary: JSON = [
                "docs_written": .int(Int64(written)), "doc_write_failures": .int(Int64(failed)),
                "seconds": .double((seconds * 1000).rounded() / 1000),
            ]
            terminal.print(summary.serialized())
        } else {
            terminal.print(
                "imported \(written) documents (\(failed) failed) in "
                    + String(format: "%.2f s, %.0f docs/s", seconds, rate))
        }
    }
}
