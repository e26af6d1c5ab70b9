import Foundation
import Pouch

/// The options `replicate` and `sync` share.
enum ReplicationArguments {
    static let options: [OptionSpec] = [
        .flag("live", "Keep replicating new changes until interrupted."),
        .value("doc-ids", "A,B", "Only these document ids."),
        .value("selector", "JSON", "Only documents matching this Mango selector."),
        .value("filter", "DDOC/NAME", "A filter function of the source server."),
        .value("query-params", "JSON", "Query parameters for --filter, as a JSON object."),
        .value("batch-size", "N", "Changes per batch (default 500)."),
        .flag("create-target", "Create a remote target database if missing."),
        .flag("json", "Print the summary as JSON on standard output (else text on stderr)."),
    ]

    /// The replication options the command line asks for.
    static func replicationOptions(_ arguments: ParsedArguments) throws -> ReplicationOptions {
        var options = ReplicationOptions(
            live: arguments.flag("live"), retry: arguments.flag("live"))
        if let size = try arguments.positiveInteger("batch-size") { options.batchSize = size }
        options.filter = try filter(arguments)
        return options
    }

    private static func filter(_ arguments: ParsedArguments) throws -> ChangesFilter {
        let chosen = ["doc-ids", "selector", "filter"].filter { arguments.value($0) != nil }
        guard chosen.count <= 1 else {
            throw UsageError("choose one of --doc-ids, --selector and --filter")
        }
        if let ids = arguments.list("doc-ids") { return .docIDs(ids) }
        if let selector = try arguments.json("selector") {
            guard selector.objectValue != nil else {
                throw UsageError("--selector must be an object")
            }
            return .selector(selector)
        }
        guard let name = arguments.value("filter") else {
            if arguments.value("query-params") != nil {
                throw UsageError("--query-params needs --filter")
            }
            return .none
        }
        return .server(name: name, queryParameters: try queryParameters(arguments))
    }

    private static func queryParameters(_ arguments: ParsedArguments) throws -> [String: String] {
        guard let json = try arguments.json("query-params") else { return [:] }
        guard let object = json.objectValue else {
            throw UsageError("--query-params must be a JSON object")
        }
        var parameters: [String: String] = [:]
        for (key, value) in object { parameters[key] = value.stringValue ?? value.serialized() }
        return parameters
    }

    /// CouchDB's replication summary fields plus the elapsed seconds.
    static func summary(_ result: ReplicationResult) -> JSON {
        let seconds = result.endTime.timeIntervalSince(result.startTime)
        return [
            "ok": .bool(result.status == .complete), "status": .string(result.status.rawValue),
            "docs_read": .int(Int64(result.docsRead)),
            "docs_written": .int(Int64(result.docsWritten)),
            "doc_write_failures": .int(Int64(result.docWriteFailures)),
            "last_seq": result.lastSeq ?? .null,
            "seconds": .double((seconds * 1000).rounded() / 1000),
        ]
    }

    /// Throws when some documents were not written, or when a one-shot
    /// replication was interrupted, so the exit code tells a script it did
    /// not finish. A `--live` one runs until interrupted: that is its end.
    static func checkCompleted(live: Bool, _ results: ReplicationResult...) throws {
        try WriteFailures.check(results.reduce(0) { $0 + $1.docWriteFailures })
        guard !live, results.contains(where: { $0.status == .cancelled }) else { return }
        throw PouchError(
            .cancelled, "replication interrupted; the next run resumes from its checkpoint",
            status: 499)
    }

    /// A one-line human summary.
    static func sentence(_ label: String, _ result: ReplicationResult) -> String {
        let seconds = result.endTime.timeIntervalSince(result.startTime)
        return "\(label): \(result.docsRead) read, \(result.docsWritten) written, "
            + "\(result.docWriteFailures) failed in " + String(format: "%.2f s", seconds)
    }
}

/// `pouch replicate SOURCE TARGET`: one replication, CouchDB's protocol.
struct ReplicateCommand: Command {
    static let spec = CommandSpec(
        name: "replicate", summary: "Replicate from one database to another.",
        arguments: [
            ArgumentSpec(name: "SOURCE", help: "A file path or an http(s) URL."),
            ArgumentSpec(name: "TARGET", help: "A file path or an http(s) URL."),
        ],
        options: ReplicationArguments.options)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let options = try ReplicationArguments.replicationOptions(arguments)
        let create = arguments.flag("create-target")
        let source = try await DatabaseLocation(arguments.positionals[0]).openExisting()
        let target = try await DatabaseLocation(arguments.positionals[1]).openPeer(create: create)
        let replication = Replication(source: source, target: target, options: options)
        WriteFailures.showReplicationWarnings(terminal)
        let signal = CancelOnInterrupt { replication.cancel() }
        defer { signal.cancel() }
        let events = replication.events
        let progress = Task { await show(events, terminal) }
        defer { progress.cancel() }
        let result = try await replication.run()
        await progress.value
        terminal.endProgress()
        terminal.summary(
            ReplicationArguments.summary(result),
            text: ReplicationArguments.sentence("replicated", result),
            asJSON: arguments.flag("json"))
        try ReplicationArguments.checkCompleted(live: options.live, result)
    }

    static func show(_ events: AsyncStream<ReplicationEvent>, _ terminal: Terminal) async {
        for await event in events {
            switch event {
            case .change(let progress):
                let total = progress.pending.map { $0 + progress.docsRead }
                terminal.progress("replicating", done: progress.docsRead, total: total)
            case .denied(let id, let error):
                terminal.endProgress()
                WriteFailures.report(id, error, terminal)
            case .paused(let error?):
                terminal.endProgress()
                terminal.printError("retrying after \(error.code.rawValue): \(error.reason)")
            default:
                break
            }
        }
    }
}

/// `pouch sync LOCAL REMOTE`: both directions, live, until interrupted (or
/// once each way without `--live`).
struct SyncCommand: Command {
    static let spec = CommandSpec(
        name: "sync", summary: "Replicate both ways between a local and a remote database.",
        arguments: [
            ArgumentSpec(name: "LOCAL", help: "A file path or an http(s) URL."),
            ArgumentSpec(name: "REMOTE", help: "A file path or an http(s) URL."),
        ],
        options: ReplicationArguments.options)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        var options = try ReplicationArguments.replicationOptions(arguments)
        let create = arguments.flag("create-target")
        let local = try await DatabaseLocation(arguments.positionals[0]).openPeer(create: create)
        let remote = try await DatabaseLocation(arguments.positionals[1]).openPeer(create: create)
        let results: (push: ReplicationResult, pull: ReplicationResult)
        WriteFailures.showReplicationWarnings(terminal)
        if options.live {
            let sync = Sync(local: local, remote: remote, options: options)
            let signal = CancelOnInterrupt { sync.cancel() }
            defer { signal.cancel() }
            let shown = watch([sync.push, sync.pull], terminal)
            defer { shown.cancel() }
            results = try await sync.run()
            await shown.value
        } else {
            options.retry = false
            let push = Replication(source: local, target: remote, options: options)
            let pull = Replication(source: remote, target: local, options: options)
            let shown = watch([push, pull], terminal)
            defer { shown.cancel() }
            results = (try await push.run(), try await pull.run())
            await shown.value
        }
        terminal.endProgress()
        report(results, json: arguments.flag("json"), terminal)
        try ReplicationArguments.checkCompleted(live: options.live, results.push, results.pull)
    }

    /// Shows both directions' progress and names each denied document.
    private static func watch(
        _ replications: [Replication], _ terminal: Terminal
    ) -> Task<Void, Never> {
        let streams = replications.map(\.events)
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for events in streams {
                    group.addTask { await ReplicateCommand.show(events, terminal) }
                }
            }
        }
    }

    private static func report(
        _ results: (push: ReplicationResult, pull: ReplicationResult), json: Bool,
        _ terminal: Terminal
    ) {
        let summary: JSON = [
            "push": ReplicationArguments.summary(results.push),
            "pull": ReplicationArguments.summary(results.pull),
        ]
        let text = [
            ReplicationArguments.sentence("pushed", results.push),
            ReplicationArguments.sentence("pulled", results.pull),
        ]
        terminal.summary(summary, text: text.joined(separator: "\n"), asJSON: json)
    }
}
