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
            .required("url", "URL", "The CHT server's root URL (http or https)."),
            .required("user", "NAME", "The CHT user name."),
            .required("data", "DIR", "The folder for medic.sqlite and meta.sqlite."),
            .flag("live", "Sync again on local or remote changes until interrupted."),
            .value("interval", "SECONDS", "With --live, sync at least this often (default 60)."),
            .flag("json", "Print each summary as JSON on standard output (else text on stderr)."),
        ],
        discussion: """
            The password comes from the POUCH_PASSWORD environment variable or,
            on a terminal, from a prompt that does not echo.
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let target = try CHTSyncTarget(arguments)
        let password = try PasswordPrompt.password(for: target.user)
        let interval = try arguments.positiveInteger("interval") ?? 60
        let session = try CHTSyncSession(target: target, password: password, terminal: terminal)
        let json = arguments.flag("json")
        guard arguments.flag("live") else {
            let summary = try await session.runOnce()
            show(summary, json: json, terminal: terminal)
            try WriteFailures.check(summary.report.failed)
            return
        }
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
        terminal.summary(summary.json, text: summary.text, asJSON: json)
    }
}

/// Where `pouch cht-sync` syncs: server, user and local folder.
struct CHTSyncTarget: Sendable {
    var url: URL
    var user: String
    var data: String

    init(_ arguments: ParsedArguments) throws {
        let spec = CHTSyncCommand.spec
        let text = try arguments.required("url", spec: spec)
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()),
            url.host?.isEmpty == false
        else {
            throw UsageError(
                "--url '\(redactingPassword(text))' is not a valid http(s) URL, "
                    + "e.g. https://cht.example.org",
                usage: spec.usage)
        }
        self.url = url
        self.user = try arguments.required("user", spec: spec)
        self.data = try arguments.required("data", spec: spec)
    }
}
