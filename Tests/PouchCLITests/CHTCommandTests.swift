import Dispatch
import Foundation
import Pouch
import PouchCHT
import PouchServer
import Testing

/// `pouch demo` and `pouch cht-sync` run as processes, their counts checked
/// against what the server itself lists for the user.
@Suite struct CHTCommandTests {
    @Test func demoSummaryAgreesWithTheServerAndTheLocalCopy() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let data = runner.path("demo")
        let outcome = try await runner.run(["demo", "--docs", "2000", "--data", data, "--json"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let summary = try JSON(parsing: outcome.output)

        // Held is what the server lists for the user, computed here from
        // the server's own files.
        let serverMedic = try Database(path: data + "/server/medic.sqlite")
        let user = try #require(summary["user"]?.stringValue)
        let listed = try await serverListing(serverMedic, user: user)
        #expect(summary["held"]?.intValue == listed.count)
        let local = try Database(path: data + "/medic.sqlite")
        #expect(try await local.info().docCount == listed.count)

        // Offline: a person and a report in medic, a read marker and a
        // feedback document in meta; nothing refused.
        #expect(summary["pushed"] == 4)
        #expect(summary["denied"] == 0)
        #expect(summary["conflicts"] == 1)
        try await checkConflict(summary, local: local, server: serverMedic, listed: listed)
    }

    /// Both sides report the same winner for the twice-edited person: the
    /// revision with the higher hash among two of the same generation.
    private func checkConflict(
        _ summary: JSON, local: Database, server: Database, listed: [String: String]
    ) async throws {
        let conflict = try #require(summary["conflict"])
        let id = try #require(conflict["id"]?.stringValue)
        let revisions = conflict["revisions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(revisions.count == 2)
        let hashes = revisions.map { $0.split(separator: "-")[1] }
        let expected = hashes[0] > hashes[1] ? revisions[0] : revisions[1]
        var options = GetOptions()
        options.conflicts = true
        let serverDoc = try await server.get(id, options: options)
        #expect(serverDoc["_rev"]?.stringValue == expected)
        #expect(serverDoc["_conflicts"] == [.string(revisions.first { $0 != expected }!)])
        #expect(try await local.get(id)["_rev"]?.stringValue == expected)
        #expect(listed[id] == expected)
    }

    @Test func chtSyncDownloadsTheListedDocumentsThenNothingNew() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let data = CHTDataGenerator.generate(docs: 600, seed: 11)
        let user = data.users[0]
        let server = try await Self.startServer(runner, data)
        defer { server.stop() }
        let listed = try await serverListing(server.service.medic, user: user.name)
        let arguments = [
            "cht-sync", "--url", server.url.absoluteString, "--user", user.name,
            "--data", runner.path("local"), "--json",
        ]
        let environment = ["POUCH_PASSWORD": user.password]

        let first = try await runner.runOffPool(arguments, environment: environment)
        #expect(first.status == 0, "\(first.errors)")
        let firstSummary = try JSON(parsing: first.output)
        #expect(firstSummary["listed"]?.intValue == listed.count)
        #expect(firstSummary["fetched"]?.intValue == listed.count)
        let local = try Database(path: runner.path("local") + "/medic.sqlite")
        let ids = try await local.allDocs().rows.compactMap(\.id)
        #expect(ids.sorted() == listed.keys.sorted())

        let second = try await runner.runOffPool(arguments, environment: environment)
        #expect(second.status == 0, "\(second.errors)")
        let secondSummary = try JSON(parsing: second.output)
        #expect(secondSummary["fetched"] == 0)
        #expect(secondSummary["pushed"] == 0)
        #expect(secondSummary["purged"] == 0)
    }

    @Test func chtSyncWithAWrongPasswordIsUnauthorized() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let data = CHTDataGenerator.generate(docs: 200, seed: 5)
        let server = try await Self.startServer(runner, data)
        defer { server.stop() }
        let outcome = try await runner.runOffPool(
            [
                "cht-sync", "--url", server.url.absoluteString, "--user", data.users[0].name,
                "--data", runner.path("local"),
            ],
            environment: ["POUCH_PASSWORD": "not-the-password"])
        #expect(outcome.status == 1)
        #expect(outcome.errors.hasPrefix("unauthorized: "), "\(outcome.errors)")
    }

    /// A document the server refuses by its size (413) is a failure: it is
    /// named, counted as `failed` and makes the exit code 1. A document CHT
    /// forbids is `denied`, CHT's normal rule, and the rest still uploads.
    @Test func chtSyncExitsOneWhenADocumentCannotBeUploaded() async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let data = CHTDataGenerator.generate(docs: 200, seed: 7)
        let user = data.users[0]
        let server = try await Self.startServer(runner, data)
        defer { server.stop() }
        try FileManager.default.createDirectory(
            atPath: runner.path("local"), withIntermediateDirectories: true)
        let local = try Database(path: runner.path("local/medic.sqlite"))
        try await local.put(["_id": "fb-small", "type": "feedback", "n": 1])
        let padding = String(repeating: "x", count: 65 * 1024 * 1024)
        try await local.put(["_id": "fb-huge", "type": "feedback", "padding": .string(padding)])
        // A person placed outside the user's facility: CHT forbids it.
        try await local.put([
            "_id": "stranger", "type": "person", "parent": ["_id": "not-the-users-place"],
        ])
        let arguments = [
            "cht-sync", "--url", server.url.absoluteString, "--user", user.name,
            "--data", runner.path("local"), "--json",
        ]
        let outcome = try await runner.runOffPool(
            arguments, environment: ["POUCH_PASSWORD": user.password])
        #expect(outcome.status == 1)
        try #require(!outcome.output.isEmpty, "\(outcome.errors)")
        let summary = try JSON(parsing: outcome.output)
        #expect(summary["failed"] == 1)
        #expect(summary["denied"] == 1)
        #expect(summary["pushed"] == 1)
        #expect(outcome.errors.contains("fb-huge"))
        #expect(outcome.errors.contains("doc_write_failures: 1 document was not written"))
        #expect(try await server.service.medic.get("fb-small")["n"] == 1)
    }

    /// What the server lists for `user` (id to revision), by CHT's rules
    /// applied to the server's `medic` in process.
    private func serverListing(
        _ medic: any DocumentDatabase, user: String
    ) async throws -> [String: String] {
        let settings = try await medic.get("org.couchdb.user:" + user)
        var context = try #require(CHTUserContext(userSettings: settings))
        if let appSettings = try? await medic.get("settings") {
            context = context.applyingReplicationDepth(settings: appSettings)
        }
        let response = try await CHTReplicationService(medic: medic).getIDs(for: context)
        return Dictionary(uniqueKeysWithValues: response.docIDsRevs.map { ($0.id, $0.rev) })
    }

    /// A CHT-like server in `runner`'s folder holding `data`.
    static func startServer(
        _ runner: CommandRunner, _ data: CHTDataSet
    ) async throws -> CHTServer {
        try await CHTServer.start(
            dataDirectory: URL(fileURLWithPath: runner.path("server")),
            admin: .init(name: "admin", password: "pass"), users: data.users,
            documents: data.documents)
    }
}
