import Foundation
import Pouch

/// `pouch export DATABASE`: every live document as NDJSON on standard
/// output.
struct ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export", summary: "Write every document as NDJSON to standard output.",
        arguments: [ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL.")],
        options: [
            .value("batch-size", "N", "Documents read per request (default 1000)."),
            .flag("attachments", "Inline attachment bodies as base64."),
        ])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let batchSize = try arguments.positiveInteger("batch-size") ?? 1000
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        var options = AllDocsOptions(limit: batchSize + 1, includeDocs: true)
        options.attachments = arguments.flag("attachments")
        while true {
            let page = try await database.allDocs(options)
            for row in page.rows.prefix(batchSize) {
                if let doc = row.doc { terminal.print(doc.serialized()) }
            }
            guard page.rows.count > batchSize else { return }
            options.startKey = page.rows[batchSize].id
        }
    }
}
