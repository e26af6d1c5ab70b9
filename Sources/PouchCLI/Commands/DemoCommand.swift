import Foundation
import Pouch
import PouchCHT

/// `pouch demo`: CHT offline sync end to end on a loopback server, as one
/// community health worker, ending with a summary.
struct DemoCommand: Command {
    static let spec = CommandSpec(
        name: "demo", summary: "Show CHT offline sync end to end on a local server.",
        options: [
            .value("docs", "N", "Generate N CHT documents for the server (default 10000)."),
            .value("seed-from", "PATH", "Seed from a folder or .tar.gz of JSON docs instead."),
            .value("data", "DIR", "The demo's folder (default ./pouch-demo), reset each run."),
            .flag("json", "Print the summary as JSON on standard output (else text on stderr)."),
        ],
        discussion: """
            The demo starts a CHT-like server on 127.0.0.1, syncs one health worker's
            documents, edits offline, makes a conflicting edit on the server, syncs
            again and shows which revision won on both sides.
            """)

    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws {
        let json = arguments.flag("json")
        try DataFolder.create(arguments.value("data") ?? "pouch-demo")
        var options = CHTDemo.Options(
            dataDirectory: URL(fileURLWithPath: arguments.value("data") ?? "pouch-demo"))
        options.seedPath = arguments.value("seed-from")
        if let docs = try arguments.positiveInteger("docs") { options.documents = docs }
        let started = Date()
        let demo = CHTDemo(options: options) { step in
            let line = String(format: "[%6.2fs] ", Date().timeIntervalSince(started)) + step
            terminal.printError(line)
        }
        let summary = try await demo.run()
        terminal.summary(summary.json, text: text(summary), asJSON: json)
        guard summary.conflict.isAgreed else {
            throw PouchError.conflict("the two sides did not settle on the same winner")
        }
    }

    /// A total over both syncs split into `medic` and meta documents.
    static func counts(_ total: Int, meta: Int) -> String {
        "\(total) (medic \(total - meta) + meta \(meta), both syncs)"
    }

    /// The summary for a reader.
    static func text(_ summary: CHTDemoSummary) -> String {
        let conflict = summary.conflict
        let rows: [(String, String)] = [
            ("user", summary.user),
            ("server documents", "\(summary.serverDocuments)"),
            ("documents held", "\(summary.held) (server lists \(summary.listed))"),
            ("pulled", counts(summary.pulled, meta: summary.pulledMeta)),
            ("pushed", counts(summary.pushed, meta: summary.pushedMeta)),
            ("denied", "\(summary.denied)"),
            ("conflicts", "\(summary.conflicts)"),
            ("conflict on", conflict.id),
            ("  offline edit", conflict.revisions.first ?? ""),
            ("  server edit", conflict.revisions.last ?? ""),
            ("  winner", conflict.expectedWinner + " (higher generation, then higher hash)"),
            ("  local winner", conflict.localWinner),
            ("  server winner", conflict.serverWinner + (conflict.isAgreed ? " (agreed)" : "")),
            ("seconds", String(format: "%.2f", summary.seconds)),
            ("syncing seconds", String(format: "%.2f", summary.syncSeconds)),
            ("docs/s (syncing)", String(format: "%.0f", summary.documentsPerSecond)),
        ]
        let lines = rows.map { label, value in
            label + String(repeating: " ", count: max(1, 18 - label.count)) + value
        }
        return (["", "Summary"] + lines.map { "  " + $0 }).joined(separator: "\n")
    }
}
