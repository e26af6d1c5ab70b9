import Foundation
import Pouch
import TestSupport
import Testing

/// `pouch import` as a process: every document of a folder, an NDJSON file
/// or a `.tar.gz` lands in the database.
@Suite struct ImportCommandTests {
    static let docs = (1...7).map { #"{"_id":"d\#($0)","n":\#($0)}"# }

    func importAndList(_ runner: CommandRunner, _ source: String) async throws -> [JSON] {
        let imported = try await runner.run([
            "import", "db.sqlite", source, "--batch-size", "3", "--json",
        ])
        #expect(imported.status == 0, "\(imported.errors)")
        let summary = try JSON(parsing: imported.output)
        #expect(summary["docs_written"] == 7 && summary["doc_write_failures"] == 0)
        let export = try await runner.run(["export", "db.sqlite"])
        return try export.lines.map { try JSON(parsing: $0) }
    }

    @Test func importsAnNDJSONFile() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let file = runner.path("docs.ndjson")
        try Data(Self.docs.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let docs = try await importAndList(runner, file)
        #expect(docs.map { $0["n"] } == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func importsAFolderAndATarGz() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let folder = runner.path("docs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, doc) in Self.docs.enumerated() {
            try Data(doc.utf8).write(to: URL(fileURLWithPath: "\(folder)/doc\(index).json"))
        }
        let fromFolder = try await importAndList(runner, folder)
        #expect(Set(fromFolder.compactMap { $0["_id"]?.stringValue }).count == 7)

        let tar = try ChildProcess(
            executable: "/usr/bin/tar",
            arguments: ["-czf", runner.path("docs.tar.gz"), "-C", folder, "."],
            environment: ProcessInfo.processInfo.environment, output: .null, error: .null)
        tar.waitUntilExit()
        let again = try await runner.run(["import", "copy.sqlite", runner.path("docs.tar.gz")])
        #expect(again.status == 0, "\(again.errors)")
        let listed = try await runner.run(["all-docs", "copy.sqlite"])
        #expect(listed.lines.count == 7)
    }

    @Test func aMissingSourceIsAnError() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let missing = try await runner.run(["import", "db.sqlite", runner.path("nowhere.ndjson")])
        #expect(missing.status != 0)
        #expect(!missing.errors.isEmpty)
    }
}
