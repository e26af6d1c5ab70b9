import Dispatch
import Foundation
import Glibc
import Pouch
import PouchServer

/// `pouch serve`: serves every database in a folder over CouchDB's HTTP API
/// until SIGINT or SIGTERM.
struct ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve", summary: "Serve local databases over CouchDB's HTTP API.",
        options: [
            .required("data", "DIR", "The folder of databases (one SQLite file each)."),
            .value("host", "HOST", "The address to listen on (default 127.0.0.1)."),
            .value("port", "PORT", "The port (default 5984; 0 picks a free one)."),
            .value("admin", "NAME", "The server admin; required off loopback."),
        ],
        discussion: """
            The admin's password comes from the POUCH_ADMIN_PASSWORD environment
            variable or, on a terminal, from a prompt that does not echo, so it never
            shows in `ps`. `--admin NAME:PASSWORD` also works but exposes it.
            The first line printed is 'listening on http://HOST:PORT'. One line per
            request is logged to standard error (set POUCH_LOG=warning to quiet it).
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let data = try arguments.required("data", spec: spec)
        let configuration = try configuration(arguments, data: data)
        try DataFolder.create(data)
        if ProcessInfo.processInfo.environment["POUCH_LOG"] == nil { Log.level = .info }
        let server = try PouchServer(configuration: configuration)
        let signals = CancelOnInterrupt { server.stop() }
        defer { signals.cancel() }
        try await server.start()
        terminal.print("listening on \(server.baseURL)")
        await server.waitUntilStopped()
    }

    private static func configuration(
        _ arguments: ParsedArguments, data: String
    ) throws -> ServerConfiguration {
        let port = try arguments.integer("port") ?? 5984
        guard (0...65535).contains(port) else { throw UsageError("--port must be 0 to 65535") }
        return ServerConfiguration(
            dataDirectory: URL(fileURLWithPath: data), host: arguments.value("host") ?? "127.0.0.1",
            port: port, admin: try admin(arguments.value("admin")))
    }

    /// The admin of `--admin NAME` (password from `POUCH_ADMIN_PASSWORD` or
    /// a prompt) or of the older `--admin NAME:PASSWORD`.
    private static func admin(_ text: String?) throws -> ServerConfiguration.Admin? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init)
        guard !parts[0].isEmpty else { throw UsageError("--admin takes NAME (or NAME:PASSWORD)") }
        let password =
            parts.count == 2
            ? parts[1]
            : try PasswordPrompt.password(for: parts[0], variable: "POUCH_ADMIN_PASSWORD")
        guard !password.isEmpty else { throw UsageError("the admin password must not be empty") }
        return .init(name: parts[0], password: password)
    }
}
