import Foundation
import Pouch
import Testing

/// Usage errors go to standard error with exit 2 and nothing on standard
/// output; help asked for with `--help` goes to standard output, exit 0.
@Suite struct UsageErrorTests {
    static let commands = [
        "info", "get", "put", "delete", "all-docs", "changes", "find", "import", "export",
        "compact", "serve", "replicate", "sync", "cht-sync", "demo",
    ]

    @Test func noCommandIsAUsageErrorOnStandardError() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let bare = try runner.run([])
        #expect(bare.status == 2)
        #expect(bare.output.isEmpty)
        #expect(bare.errors.contains("Usage: pouch COMMAND"))
        let help = try runner.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Usage: pouch COMMAND"))
        #expect(help.errors.isEmpty)
    }

    @Test(arguments: commands)
    func everyCommandsUsageErrorGoesToStandardError(_ name: String) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let wrong = try runner.run([name, "--no-such-option"])
        #expect(wrong.status == 2)
        #expect(wrong.output.isEmpty)
        #expect(wrong.errors.hasPrefix("usage error: unknown option --no-such-option"))
        #expect(wrong.errors.contains("usage: pouch \(name)"))
        let help = try runner.run([name, "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Usage: pouch \(name)"))
    }

    @Test(arguments: ["import", "export", "replicate", "sync"], ["0", "-3"])
    func aNonPositiveBatchSizeIsRefused(_ name: String, _ size: String) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        _ = try runner.run(["put", "a.sqlite"], input: #"{"_id":"x"}"#)
        let file = runner.path("docs.ndjson")
        try Data(#"{"_id":"y"}"#.utf8).write(to: URL(fileURLWithPath: file))
        let positionals =
            name == "export" ? ["a.sqlite"] : ["a.sqlite", name == "import" ? file : "b.sqlite"]
        let outcome = try runner.run([name] + positionals + ["--batch-size", size])
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("usage error: --batch-size must be a positive number"))
        #expect(!FileManager.default.fileExists(atPath: runner.path("b.sqlite")))
    }

    @Test(arguments: [
        ["all-docs", "--limit"], ["all-docs", "--skip"], ["find", "{}", "--limit"],
        ["find", "{}", "--skip"], ["changes", "--limit"],
    ])
    func aNegativeLimitOrSkipIsRefused(_ arguments: [String]) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        _ = try runner.run(["put", "a.sqlite"], input: #"{"_id":"x"}"#)
        let command = [arguments[0], "a.sqlite"] + arguments.dropFirst() + ["-1"]
        let outcome = try runner.run(command)
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
        let option = arguments.last!
        #expect(outcome.errors.hasPrefix("usage error: \(option) must be zero or a positive"))
    }

    @Test func requiredOptionsShowWithoutBracketsAndABadURLIsNamed() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try runner.run(["serve", "--help"])
        #expect(serve.output.contains("Usage: pouch serve --data DIR [--host HOST]"))
        let chtHelp = try runner.run(["cht-sync", "--help"])
        #expect(chtHelp.output.contains("Usage: pouch cht-sync --url URL --user NAME --data DIR "))

        let arguments = ["cht-sync", "--url", "notaurl", "--user", "u", "--data", "d"]
        let badURL = try runner.run(arguments, environment: ["POUCH_PASSWORD": "p"])
        #expect(badURL.status == 2)
        #expect(badURL.errors.hasPrefix("usage error: --url 'notaurl' is not a valid"))
        let noURL = try runner.run(["cht-sync", "--user", "u", "--data", "d"])
        #expect(noURL.status == 2)
        #expect(noURL.errors.hasPrefix("usage error: --url URL is required"))
    }
}
