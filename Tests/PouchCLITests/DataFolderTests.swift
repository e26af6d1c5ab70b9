import Foundation
import Pouch
import Testing

/// A `--data` path that is a regular file is named in a `bad_request`
/// (exit 1) by every command that takes one, and the file is left alone.
@Suite struct DataFolderTests {
    @Test(arguments: [
        ["demo", "--docs", "5"], ["serve", "--port", "0"],
        ["cht-sync", "--url", "http://127.0.0.1:9/", "--user", "u"],
    ])
    func aFileIsRefusedByName(_ arguments: [String]) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let file = runner.path("afile")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: file))
        let outcome = try runner.run(
            arguments + ["--data", file], environment: ["POUCH_PASSWORD": "p"])
        #expect(outcome.status == 1)
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors == "bad_request: --data \(file) is a file, not a folder\n")
        #expect(FileManager.default.contents(atPath: file) == Data("keep me".utf8))
    }
}
