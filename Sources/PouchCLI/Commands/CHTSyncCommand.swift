import Dispatch
import Foundation
import Glibc
import Pouch
import PouchCHT

/// `pouch cht-sync`: syncs a CHT offline user's `medic` and meta database
/// into a folder, once or (with `--live`) whenever something changes.
struct CHTSyncCommand: Command {
    static let spec = CommandSpec(
        name: "cht-sync", summary: "Sync a CHT offline user's data into a folder.",
        options: [
            .value("url", "URL", "The CHT server's root URL. Required."),
            .value("user", "NAME", "The CHT user name. Required."),
            .value("data", "DIR", "The folder for medic.sqlite and meta.sqlite. Required."),
            .flag("live", "Sync again on local or remote changes until interrupted."),
            .value("interval", "SECONDS", "With --live, sync at least this often (default 60)."),
            .flag("json", "Print the summary as one JSON object."),
        ],
        discussion: """
            The password comes from the POUCH_PASSWORD environment variable or,
            on a terminal, from a prompt that does not echo.
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let target = try CHTSyncTarget(arguments)
        let password = try CHTPasswordPrompt.password(for: target.user)
        let session = try CHTSyncSession(target: target, password: password, terminal: terminal)
        let json = arguments.flag("json")
        guard arguments.flag("live") else {
            show(try await session.runOnce(), json: json, terminal: terminal)
            return
        }
        let interval = try arguments.integer("interval") ?? 60
        guard interval > 0 else { throw UsageError("--interval must be positive") }
        try await runLive(session, interval: interval, json: json, terminal: terminal)
    }

    /// Syncs, then waits for a change or the interval, until SIGINT.
    private static func runLive(
        _ session: CHTSyncSession, interval: Int, json: Bool, terminal: Terminal
    ) async throws {
        let loop = Task {
            while !Task.isCancelled {
                show(try await session.runOnce(), json: json, terminal: terminal)
                await session.waitForChange(seconds: interval)
            }
        }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { loop.cancel() }
        source.resume()
        defer { source.cancel() }
        do {
            try await loop.value
        } catch is CancellationError {
            terminal.endProgress()
        }
    }

    private static func show(_ summary: CHTSyncSummary, json: Bool, terminal: Terminal) {
        terminal.print(json ? summary.json.serialized() : summary.text)
    }
}

/// Where `pouch cht-sync` syncs: server, user and local folder.
struct CHTSyncTarget: Sendable {
    var url: URL
    var user: String
    var data: String

    init(_ arguments: ParsedArguments) throws {
        guard let text = arguments.value("url"), let url = URL(string: text), url.scheme != nil
        else { throw UsageError("--url URL is required", usage: CHTSyncCommand.spec.usage) }
        guard let user = arguments.value("user"), !user.isEmpty else {
            throw UsageError("--user NAME is required", usage: CHTSyncCommand.spec.usage)
        }
        guard let data = arguments.value("data") else {
            throw UsageError("--data DIR is required", usage: CHTSyncCommand.spec.usage)
        }
        self.url = url
        self.user = user
        self.data = data
    }
}
