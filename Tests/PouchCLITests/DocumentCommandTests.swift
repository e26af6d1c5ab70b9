import Foundation
import Pouch
import Testing

/// Runs the document subcommands as a terminal user would, checking output
/// and exit codes: 0 ok, 1 a CouchDB error, 2 a usage error.
@Suite struct DocumentCommandTests {
    @Test func putGetDeleteRoundTrip() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let put = try await runner.run(["put", "db.sqlite"], input: #"{"_id":"a","n":1}"#)
        #expect(put.status == 0)
        let written = try JSON(parsing: put.output)
        #expect(written["ok"] == true && written["id"] == "a")
        let rev = try #require(written["rev"]?.stringValue)
        #expect(rev.hasPrefix("1-"))

        let get = try await runner.run(["get", "db.sqlite", "a"])
        #expect(get.status == 0)
        #expect(try JSON(parsing: get.output) == ["_id": "a", "_rev": .string(rev), "n": 1])

        let delete = try await runner.run(["delete", "db.sqlite", "a"])
        #expect(delete.status == 0)
        #expect(try JSON(parsing: delete.output)["rev"]?.stringValue?.hasPrefix("2-") == true)

        let gone = try await runner.run(["get", "db.sqlite", "a"])
        #expect(gone.status == 1)
        #expect(gone.errors == "not_found: deleted\n")
    }

    @Test func putWithoutIdGeneratesOne() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let file = runner.path("doc.json")
        try Data(#"{"type":"person"}"#.utf8).write(to: URL(fileURLWithPath: file))
        let put = try await runner.run(["put", "db.sqlite", file])
        #expect(put.status == 0)
        let id = try #require(try JSON(parsing: put.output)["id"]?.stringValue)
        #expect(id.count == 32)
    }

    @Test func staleRevisionIsAConflictWithExitCodeOne() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        _ = try await runner.run(["put", "db.sqlite"], input: #"{"_id":"a"}"#)
        let stale = try await runner.run(
            ["put", "db.sqlite"], input: #"{"_id":"a","_rev":"1-00000000000000000000000000000000"}"#
        )
        #expect(stale.status == 1)
        #expect(stale.errors == "conflict: Document update conflict.\n")
    }

    @Test func usageErrorsExitWithTwo() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let missing = try await runner.run(["get", "db.sqlite"])
        #expect(missing.status == 2)
        #expect(missing.errors.hasPrefix("usage error: missing argument ID\n"))
        let unknownOption = try await runner.run(["all-docs", "db.sqlite", "--bogus"])
        #expect(unknownOption.status == 2)
        #expect(unknownOption.errors.hasPrefix("usage error: unknown option --bogus"))
        let unknownCommand = try await runner.run(["frobnicate"])
        #expect(unknownCommand.status == 2)
        let badNumber = try await runner.run(["all-docs", "db.sqlite", "--limit", "many"])
        #expect(badNumber.status == 2)
    }

    @Test func invalidJSONIsABadRequest() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let bad = try await runner.run(["put", "db.sqlite"], input: #"{"_id": "a",}"#)
        #expect(bad.status == 1)
        #expect(bad.errors.hasPrefix("bad_request: invalid UTF-8 JSON"))
    }

    @Test func everyCommandHasHelp() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let overview = try await runner.run(["--help"])
        #expect(overview.status == 0)
        let names = overview.lines.filter { $0.hasPrefix("  ") }.compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
        #expect(names.contains("get") && names.contains("changes"))
        for name in names {
            let help = try await runner.run([name, "--help"])
            #expect(help.status == 0, "\(name)")
            #expect(help.output.contains("Usage: pouch \(name)"), "\(name)")
        }
    }
}

@Suite struct QueryCommandTests {
    /// A database of five people, ages 20 to 60, written through the CLI.
    func seeded() async throws -> CommandRunner {
        let runner = try CommandRunner()
        for index in 1...5 {
            let doc = #"{"_id":"p\#(index)","type":"person","age":\#(index * 10 + 10)}"#
            let put = try await runner.run(["put", "db.sqlite"], input: doc)
            #expect(put.status == 0)
        }
        return runner
    }

    @Test func findPrintsMatchingDocumentsOneALine() async throws {
        let runner = try await seeded()
        defer { runner.remove() }
        let found = try await runner.run([
            "find", "db.sqlite", #"{"age":{"$gte":40}}"#, "--fields", "_id,age",
        ])
        #expect(found.status == 0)
        #expect(
            found.lines == [
                #"{"_id":"p3","age":40}"#, #"{"_id":"p4","age":50}"#, #"{"_id":"p5","age":60}"#,
            ])
    }

    @Test func sortingWithoutAnIndexIsNoUsableIndex() async throws {
        let runner = try await seeded()
        defer { runner.remove() }
        let sorted = try await runner.run([
            "find", "db.sqlite", #"{"age":{"$gte":40}}"#, "--sort", "age",
        ])
        #expect(sorted.status == 1)
        #expect(
            sorted.errors
                == "no_usable_index: No index exists for this sort, try indexing by the sort fields.\n"
        )
    }

    @Test func changesAndAllDocsListEveryDocument() async throws {
        let runner = try await seeded()
        defer { runner.remove() }
        let changes = try await runner.run(["changes", "db.sqlite", "--since", "2"])
        #expect(changes.status == 0)
        let ids = try changes.lines.map { try JSON(parsing: $0)["id"]?.stringValue }
        #expect(ids == ["p3", "p4", "p5"])
        let seqs = try changes.lines.map { try JSON(parsing: $0)["seq"] }
        #expect(seqs == [3, 4, 5])

        let allDocs = try await runner.run([
            "all-docs", "db.sqlite", "--start-key", "p2", "--limit", "2",
        ])
        let keys = try allDocs.lines.map { try JSON(parsing: $0)["key"]?.stringValue }
        #expect(keys == ["p2", "p3"])
    }

    @Test func exportWritesEveryLiveDocumentAsNDJSON() async throws {
        let runner = try await seeded()
        defer { runner.remove() }
        _ = try await runner.run(["delete", "db.sqlite", "p1"])
        let export = try await runner.run(["export", "db.sqlite", "--batch-size", "2"])
        #expect(export.status == 0)
        let docs = try export.lines.map { try JSON(parsing: $0) }
        #expect(docs.map { $0["_id"]?.stringValue } == ["p2", "p3", "p4", "p5"])
        #expect(docs.map { $0["age"] } == [30, 40, 50, 60])
    }
}

/// Mistyped paths: read-only commands and replication sources never create
/// an empty database in place of a missing one.
@Suite struct MissingDatabaseTests {
    @Test func readingAMissingFileIsNotFoundAndCreatesNothing() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        for arguments in [
            ["get", "typo.sqlite", "x"], ["export", "typo.sqlite"], ["info", "typo.sqlite"],
            ["replicate", "typo.sqlite", "copy.sqlite"],
        ] {
            let outcome = try await runner.run(arguments)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.errors == "not_found: Database does not exist: typo.sqlite\n")
        }
        #expect(!FileManager.default.fileExists(atPath: runner.path("typo.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: runner.path("copy.sqlite")))
    }

    @Test func demoRefusesAFolderItDidNotMake() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        try FileManager.default.createDirectory(
            atPath: runner.path("mine"), withIntermediateDirectories: true)
        let put = try await runner.run(["put", "mine/medic.sqlite"], input: #"{"_id":"precious"}"#)
        #expect(put.status == 0)
        let demo = try await runner.run(["demo", "--docs", "50", "--data", "mine"])
        #expect(demo.status == 1)
        #expect(demo.errors.hasPrefix("file_exists: "))
        let kept = try await runner.run(["get", "mine/medic.sqlite", "precious"])
        #expect(kept.status == 0)
    }
}
