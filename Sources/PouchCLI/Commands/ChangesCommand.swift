import Foundation
import Pouch

/// `pouch changes DATABASE`: the changes feed, one JSON row a line;
/// `--live` keeps following it until interrupted.
struct ChangesCommand: Command {
    static let spec = CommandSpec(
        name: "changes", summary: "Print a database's changes feed.",
        arguments: [ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL.")],
        options: [
            .value("since", "SEQ", "Start after this sequence ('now' for only new changes)."),
            .value("limit", "N", "At most N changes, then stop (with --live too)."),
            .flag("include-docs", "Include each document's body."),
            .flag("descending", "Newest first (one-shot feed)."),
            .flag("all-docs", "List every leaf revision (style=all_docs)."),
            .value("doc-ids", "A,B", "Only these document ids."),
            .value("selector", "JSON", "Only documents matching this Mango selector."),
            .flag("live", "Keep following the feed until interrupted."),
            .flag("json", "Print CouchDB's whole response as one JSON object (one-shot)."),
        ])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let options = try changesOptions(arguments)
        let location = DatabaseLocation(arguments.positionals[0])
        if arguments.flag("live") {
            try await follow(location, options, terminal)
            return
        }
        let database = try await location.openExisting()
        let response = try await database.changes(options)
        if arguments.flag("json") {
            terminal.print(response.json.serialized())
        } else {
            for change in response.results { terminal.print(change.json.serialized()) }
        }
    }

    /// Follows the feed until interrupted. A local file is polled, so
    /// writes by other processes are seen too; a URL uses long polls.
    private static func follow(
        _ location: DatabaseLocation, _ options: ChangesOptions, _ terminal: Terminal
    ) async throws {
        let database = try await location.openExisting()
        let signal = CancelOnInterrupt { exit(0) }
        defer { signal.cancel() }
        if case .file = location, let local = database as? Database {
            for try await change in PolledChangesFeed(peer: local, options: options) {
                terminal.print(change.json.serialized())
            }
            return
        }
        for try await change in database.liveChanges(options) {
            terminal.print(change.json.serialized())
        }
    }

    static func changesOptions(_ arguments: ParsedArguments) throws -> ChangesOptions {
        var options = ChangesOptions()
        if let since = arguments.value("since") {
            options.since = since == "now" ? .now : .sequence(sequenceValue(since))
        }
        options.limit = try arguments.count("limit")
        options.includeDocs = arguments.flag("include-docs")
        options.descending = arguments.flag("descending")
        options.style = arguments.flag("all-docs") ? .allDocs : .mainOnly
        if let ids = arguments.list("doc-ids") { options.filter = .docIDs(ids) }
        if let selector = try arguments.json("selector") { options.filter = .selector(selector) }
        return options
    }

    /// A sequence as typed: a number for a local database, text otherwise.
    static func sequenceValue(_ text: String) -> JSON {
        if let number = Int64(text) { return .int(number) }
        return .string(text)
    }
}
