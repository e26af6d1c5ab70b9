import Foundation
import Pouch
import TestSupport
import Testing

/// `DELETE /db` racing other requests on the same database. CouchDB
/// (3.x API docs, `DELETE /{db}`): once deleted, the database answers
/// 404 `not_found` until it is created again, and `PUT /{db}` then
/// answers 201 with an empty database.
@Suite struct DatabaseDeleteRaceTests {
    private static func bulk(_ prefix: String, count: Int) -> JSON {
        let filler = String(repeating: "x", count: 2000)
        let docs: [JSON] = (0..<count).map {
            ["_id": .string("\(prefix)-\($0)"), "f": .string(filler)]
        }
        return ["docs": .array(docs)]
    }

    /// A request arriving while `DELETE /db` waits for the database's
    /// last write reopens the file about to be removed; that database then
    /// keeps serving (and acknowledging writes to) a deleted file.
    @Test func aDeletedDatabaseIsGoneEvenWhenRequestsRaceTheDelete() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/race")
        for round in 0..<3 {
            _ = try await server.request(
                "POST", "/race/_bulk_docs", json: Self.bulk("w\(round)", count: 3000))
            async let writing = server.request(
                "POST", "/race/_bulk_docs", json: Self.bulk("r\(round)", count: 3000))
            try await Task.sleep(for: .milliseconds(100))
            async let deleting = server.request("DELETE", "/race")
            var lookups = 0
            for _ in 0..<40 {
                _ = try await server.request("GET", "/race")
                lookups += 1
            }
            _ = try await writing
            #expect(try await deleting.status == 200)
            let after = try await server.request("GET", "/race")
            #expect(after.status == 404, "round \(round): \(after.text)")
            let created = try await server.request("PUT", "/race")
            #expect(created.status == 201, "round \(round): \(created.text)")
            let info = try await server.request("GET", "/race").json
            #expect(info["doc_count"] == .int(0))
        }
    }

    /// Writes acknowledged after a database was deleted and created again
    /// are in its file: a restarted server over the same directory has them.
    @Test func writesAfterDeleteAndRecreateSurviveARestart() async throws {
        let first = try await TestServer.start()
        _ = try await first.request("PUT", "/again")
        async let writing = first.request(
            "POST", "/again/_bulk_docs", json: Self.bulk("old", count: 3000))
        try await Task.sleep(for: .milliseconds(100))
        async let deleting = first.request("DELETE", "/again")
        for _ in 0..<20 { _ = try await first.request("GET", "/again") }
        _ = try await writing
        _ = try await deleting
        _ = try await first.request("DELETE", "/again")
        #expect(try await first.request("PUT", "/again").status == 201)
        let written = try await first.request(
            "POST", "/again/_bulk_docs", json: Self.bulk("new", count: 10))
        #expect(written.status == 201)
        first.stopKeepingData()
        let second = try await TestServer.start(directory: first.directory)
        defer { second.stop() }
        let info = try await second.request("GET", "/again").json
        #expect(info["doc_count"] == .int(10))
    }
}
