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
            .value("data", "DIR", "The folder of databases (one SQLite file each). Required."),
            .value("host", "HOST", "The address to listen on (default 127.0.0.1)."),
            .value("port", "PORT", "The port (default 5984; 0 picks a free one)."),
            .value("admin", "NAME:PASSWORD", "The server admin; required off loopback."),
        ],
        discussion: """
            The first line printed is 'listening on http://HOST:PORT'. One line per
            request is logged to standard error (set POUCH_LOG=warning to quiet it).
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        guard let data = arguments.value("data") else {
            throw UsageError("--data is required", usage: spec.usage)
        }
        let configuration = try configuration(arguments, data: data)
        try FileManager.default.createDirectory(
            atPath: data, withIntermediateDirectories: true)
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
        var admin: ServerConfiguration.Admin?
        if let text = arguments.value("admin") {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw UsageError("--admin takes NAME:PASSWORD")
            }
            admin = .init(name: parts[0], password: parts[1])
        }
        return ServerConfiguration(
            dataDirectory: URL(fileURLWithPath: data), host: arguments.value("host") ?? "127.0.0.1",
            port: port, admin: admin)
    }
}
