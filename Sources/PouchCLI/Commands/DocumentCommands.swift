import Foundation
import Pouch

/// `pouch info DATABASE`: the database's summary as CouchDB's `GET /db`.
struct InfoCommand: Command {
    static let spec = CommandSpec(
        name: "info", summary: "Show a database's document count and update sequence.",
        arguments: [ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL.")])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        let info = try await database.info()
        terminal.print(info.json.serialized())
    }
}

/// `pouch get DATABASE ID`: one document, as CouchDB's `GET /db/doc`.
struct GetCommand: Command {
    static let spec = CommandSpec(
        name: "get", summary: "Print a document.",
        arguments: [
            ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL."),
            ArgumentSpec(name: "ID", help: "The document id."),
        ],
        options: [
            .value("rev", "REV", "A specific revision instead of the winner."),
            .flag("revs", "Add the revision history (_revisions)."),
            .flag("revs-info", "Add each ancestor's availability (_revs_info)."),
            .flag("conflicts", "Add conflicting revisions (_conflicts)."),
            .flag("attachments", "Inline attachment bodies as base64."),
        ])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        var options = GetOptions()
        let id = arguments.positionals[1]
        if let rev = arguments.value("rev") {
            options.rev =
                try id.hasPrefix("_local/")
                ? DeleteCommand.localRevision(rev) : RevisionID(validating: rev)
        }
        options.revs = arguments.flag("revs")
        options.revsInfo = arguments.flag("revs-info")
        options.conflicts = arguments.flag("conflicts")
        options.attachments = arguments.flag("attachments")
        let doc = try await database.get(id, options: options)
        terminal.print(doc.serialized())
    }
}

/// `pouch put DATABASE [FILE]`: writes a document read from a file or
/// standard input; one without `_id` gets a generated id.
struct PutCommand: Command {
    static let spec = CommandSpec(
        name: "put", summary: "Create or update a document from a JSON file or standard input.",
        arguments: [
            ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL."),
            ArgumentSpec(
                name: "FILE", help: "A JSON file; '-' or absent for standard input.",
                isOptional: true),
        ],
        discussion: "The document needs \"_rev\" to update an existing one.")

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let data = try readInput(arguments.positional(1))
        let doc: JSON
        do {
            doc = try JSON(parsing: data)
        } catch {
            throw PouchError.invalidJSON(error)
        }
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        let database = try await DatabaseLocation(arguments.positionals[0]).open()
        let result = doc["_id"] == nil ? try await database.post(doc) : try await database.put(doc)
        terminal.print(result.json.serialized())
    }

    static func readInput(_ path: String?) throws -> Data {
        guard let path, path != "-" else { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read \(path)")
        }
        return data
    }
}

/// `pouch delete DATABASE ID [--rev REV]`: deletes the winning revision, or
/// the one given. A `_local/` document has no revision tree: its `0-N`
/// revision is passed on as CouchDB takes it (`DELETE /db/_local/id`).
struct DeleteCommand: Command {
    static let spec = CommandSpec(
        name: "delete", summary: "Delete a document.",
        arguments: [
            ArgumentSpec(name: "DATABASE", help: "A file path or an http(s) URL."),
            ArgumentSpec(name: "ID", help: "The document id."),
        ],
        options: [.value("rev", "REV", "The revision to delete (default: the current winner).")])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let database = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        let id = arguments.positionals[1]
        let local = id.hasPrefix("_local/")
        let text: String
        if let given = arguments.value("rev") {
            text = given
        } else {
            text = try await database.get(id)["_rev"]?.stringValue ?? ""
        }
        let rev = try local ? localRevision(text) : RevisionID(validating: text)
        let result = try await database.remove(id, rev: rev)
        terminal.print(result.json.serialized())
    }

    /// A `_local` document's revision, `0-N`: any `N-hash` form is taken,
    /// since CouchDB does not check it against a revision tree.
    static func localRevision(_ text: String) throws(PouchError) -> RevisionID {
        guard let rev = RevisionID(text) else { throw PouchError.badRequest("Invalid rev format") }
        return rev
    }
}

/// `pouch compact DATABASE`: drops bodies of old revisions.
struct CompactCommand: Command {
    static let spec = CommandSpec(
        name: "compact", summary: "Drop the bodies of non-leaf revisions of a local database.",
        arguments: [ArgumentSpec(name: "DATABASE", help: "A local database file.")])

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let location = DatabaseLocation(arguments.positionals[0])
        guard case .file(let path) = location else {
            throw UsageError("compact works on a local database file")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw PouchError.notFound("Database does not exist: \(path)")
        }
        let database = try Database(path: path)
        try await database.compact()
        terminal.print(#"{"ok":true}"#)
    }
}
