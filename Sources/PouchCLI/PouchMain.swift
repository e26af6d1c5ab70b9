import Foundation
import Pouch

/// The `pouch` command: dispatches to a subcommand and maps failures to
/// exit codes (0 ok, 1 a CouchDB error, 2 a usage error).
@main
struct PouchMain {
    static let commands: [any Command.Type] = CommandList.all

    static func main() async {
        let terminal = Terminal()
        if let level = ProcessInfo.processInfo.environment["POUCH_LOG"].flatMap(
            LogLevel.init(name:))
        {
            Log.level = level
        }
        let code = await run(Array(CommandLine.arguments.dropFirst()), terminal: terminal)
        exit(code)
    }

    static func run(_ arguments: [String], terminal: Terminal) async -> Int32 {
        guard let name = arguments.first else {
            terminal.printError("usage error: missing COMMAND\n\n\(overview)")
            return 2
        }
        if ["--help", "-h", "help"].contains(name) {
            terminal.print(overview)
            return 0
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            terminal.printError("usage error: unknown command '\(name)'\n\n\(overview)")
            return 2
        }
        return await run(command, Array(arguments.dropFirst()), terminal: terminal)
    }

    private static func run(
        _ command: any Command.Type, _ arguments: [String], terminal: Terminal
    ) async -> Int32 {
        do {
            let parsed = try ParsedArguments(arguments, spec: command.spec)
            if parsed.wantsHelp {
                terminal.print(command.spec.help)
                return 0
            }
            try await command.run(parsed, terminal: terminal)
            return 0
        } catch let error as UsageError {
            terminal.endProgress()
            terminal.printError("usage error: \(error.message)")
            terminal.printError("usage: \(error.usage ?? command.spec.usage)")
            return 2
        } catch let error as PouchError {
            terminal.endProgress()
            let detail = error.cause.map { " (\($0))" } ?? ""
            terminal.printError("\(error.code.rawValue): \(error.reason)\(detail)")
            return 1
        } catch {
            terminal.endProgress()
            terminal.printError("error: \((error as NSError).localizedDescription)")
            return 1
        }
    }

    static var overview: String {
        var lines = [
            "pouch: CouchDB documents in a local SQLite file, in sync with a server.",
            "",
            "Usage: pouch COMMAND [ARGUMENTS] [OPTIONS]",
            "",
            "A DATABASE is a local file path or an http(s) URL.",
            "",
            "Commands:",
        ]
        for command in commands {
            let name = command.spec.name
            lines.append(
                "  \(name)\(String(repeating: " ", count: max(1, 12 - name.count)))\(command.spec.summary)"
            )
        }
        lines.append("")
        lines.append("Run 'pouch COMMAND --help' for a command's options.")
        return lines.joined(separator: "\n")
    }
}
