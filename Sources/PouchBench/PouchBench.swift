import Foundation
import Pouch

/// `pouch-bench`: measures Pouch against floors taken in the same run.
///
/// Run it in a release build: `swift run -c release pouch-bench [--docs N]
/// [--large-docs N|0] [--batch-sizes a,b] [--json] [--phases a,b]`.
@main
struct PouchBench {
    struct Settings: Sendable {
        var docs = 100_000
        /// The size for the find scaling check; `nil` (`--large-docs 0`) skips it.
        var largeDocs: Int? = 1_000_000
        /// The replicator batch sizes to try; `nil` is the replicator's default.
        var batchSizes: [Int?] = [nil]
        var json = false
        var phases: Set<String>? = nil
        var directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-bench-\(getpid())").path

        func wants(_ phase: String) -> Bool { phases?.contains(phase) ?? true }
    }

    static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == AttachmentPhases.stepFlag {
                // A child run by the attachment phases: one step, no cleanup.
                try await AttachmentPhases.runStep(Array(arguments.dropFirst()))
                return
            }
            if arguments.first == "replication-client" {
                // A child run by the replication phases: one replication.
                try await ReplicationClient.run(.init(parsing: Array(arguments.dropFirst())))
                return
            }
            let settings = try parse(arguments)
            try FileManager.default.createDirectory(
                atPath: settings.directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: settings.directory) }
            let report = BenchReport(json: settings.json)
            for phase in BenchPhases.all where settings.wants(phase.group) {
                for result in try await phase.run(settings) { report.print(result) }
            }
        } catch {
            FileHandle.standardError.write(Data("pouch-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static var usage: String {
        "usage: pouch-bench [--docs N] [--large-docs N|0] [--batch-sizes a,b] [--json]"
            + " [--phases \(BenchPhases.groupNames)]"
    }

    static func parse(_ arguments: [String]) throws -> Settings {
        var settings = Settings()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--docs":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else {
                    throw BenchError("--docs needs a positive number")
                }
                settings.docs = value
            case "--large-docs":
                guard let value = rest.popFirst().flatMap(Int.init), value >= 0 else {
                    throw BenchError("--large-docs needs a number (0 skips)")
                }
                settings.largeDocs = value > 0 ? value : nil
            case "--batch-sizes":
                let sizes = (rest.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                    throw BenchError("--batch-sizes needs positive numbers, comma-separated")
                }
                settings.batchSizes = sizes
            case "--json":
                settings.json = true
            case "--phases":
                settings.phases = Set(
                    (rest.popFirst() ?? "").split(separator: ",").map(String.init))
            case "--help":
                print(usage)
                exit(0)
            default:
                throw BenchError("unknown argument \(argument)")
            }
        }
        return settings
    }
}

/// A group of phases run together because later ones use earlier data.
struct BenchPhase: Sendable {
    var group: String
    var run: @Sendable (PouchBench.Settings) async throws -> [PhaseResult]
}
