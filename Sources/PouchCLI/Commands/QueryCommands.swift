import Foundation
import Pouch

/// `pouch all-docs DATABASE`: documents by id, one JSON row a line.
struct AllDocsCommand: Command {
    static let spec = CommandSpec(
        name: "all-docs", summary: "List documents by id.",
        arguments: [ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL.")],
        options: [
            .flag("include-docs", "Include each document's body."),
            .value("start-key", "ID", "Start at this id."),
            .value("end-key", "ID", "End at this id (inclusive)."),
            .value("keys", "A,B", "Exactly these ids, in this order."),
            .value("limit", "N", "At most N rows."),
            .value("skip", "N", "Skip the first N rows."),
            .flag("descending", "Highest id first."),
            .flag("json", "Print CouchDB's whole response as one JSON object."),
        ])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        var options = AllDocsOptions()
        options.includeDocs = arguments.flag("include-docs")
        options.startKey = arguments.value("start-key")
        options.endKey = arguments.value("end-key")
        options.keys = arguments.list("keys")
        options.limit = try arguments.count("limit")
        options.skip = try arguments.count("skip") ?? 0
        options.descending = arguments.flag("descending")
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        let response = try await database.allDocs(options)
        if arguments.flag("json") {
            terminal.print(response.json.serialized())
        } else {
            for row in response.rows { terminal.print(row.json.serialized()) }
        }
    }
}

/// `pouch find DATABASE SELECTOR`: a Mango query, one document a line.
struct FindCommand: Command {
    static let spec = CommandSpec(
        name: "find", summary: "Query documents with a Mango selector.",
        arguments: [
            ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL."),
            ArgumentSpec(name: "SELECTOR", help: "A Mango selector, e.g. '{\"type\":\"person\"}'."),
        ],
        options: [
            .value("fields", "A,B", "Only these fields of each document."),
            .value("sort", "FIELD", "Sort by these fields (comma-separated, ascending)."),
            .value("limit", "N", "At most N documents (default 25)."),
            .value("skip", "N", "Skip the first N documents."),
            .flag("json", "Print CouchDB's whole response as one JSON object."),
        ])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let selector: JSON
        do {
            selector = try JSON(parsing: arguments.positionals[1])
        } catch {
            throw UsageError("SELECTOR is not valid JSON: \(error)")
        }
        var query = FindQuery(selector: selector)
        query.fields = arguments.list("fields")
        query.sort = (arguments.list("sort") ?? []).map { SortField($0) }
        query.limit = try arguments.count("limit") ?? 25
        query.skip = try arguments.count("skip") ?? 0
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        let response = try await database.find(query)
        if arguments.flag("json") {
            terminal.print(response.json.serialized())
        } else {
            for doc in response.docs { terminal.print(doc.serialized()) }
        }
    }
}
