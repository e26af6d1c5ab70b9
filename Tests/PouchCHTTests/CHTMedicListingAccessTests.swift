import Foundation
import Pouch
import Testing

@testable import PouchCHT

/// The multi-document endpoints of `medic` for offline users, against
/// CHT's `bulk-get`, `all-docs` and changes answers: only documents the
/// user may hold, with disallowed ones left out (`_bulk_get`) or answered
/// `forbidden` in their place (`_all_docs` with `keys`).
@Suite struct CHTMedicListingAccessTests {
    func withServer(_ body: (CHTAccessServer) async throws -> Void) async throws {
        let server = try await CHTAccessServer.start()
        defer { server.stop() }
        try await body(server)
    }

    func ids(_ rows: JSON?, _ member: String = "id") -> [String] {
        (rows?.arrayValue ?? []).compactMap { $0[member]?.stringValue }
    }

    @Test func bulkGetLeavesOutWhatTheUserMayNotHold() async throws {
        try await withServer { server in
            let asked: JSON = [
                "docs": [
                    ["id": "P1"], ["id": "P3"], ["id": "R1"], ["id": "R5"], ["id": "nothing"],
                    ["id": "settings"],
                ]
            ]
            let mine = try await server.request(
                "POST", "/medic/_bulk_get?revs=true", as: "chw1", json: asked)
            #expect(mine.status == 200)
            let admin = try await server.request(
                "POST", "/medic/_bulk_get?revs=true", as: "admin", json: asked)
            let all = try admin.json["results"]?.arrayValue ?? []
            #expect(all.count == 6)
            // chw1 gets exactly the admin's results for P1, R1 and settings.
            let expected = all.filter { ["P1", "R1", "settings"].contains($0["id"]) }
            #expect(try mine.json == ["results": .array(expected)])

            let theirs = try await server.request(
                "POST", "/medic/_bulk_get", as: "chw2", json: asked)
            #expect(ids(try theirs.json["results"]) == ["P3", "R5", "settings"])
        }
    }

    @Test func allDocsWithKeysAnswersForbiddenInPlaceOfDisallowedKeys() async throws {
        try await withServer { server in
            let keys: JSON = ["keys": ["P3", "P1", "nothing", "R1", "R5"]]
            let answer = try await server.request(
                "POST", "/medic/_all_docs?include_docs=true", as: "chw1", json: keys)
            #expect(answer.status == 200)
            let admin = try await server.request(
                "POST", "/medic/_all_docs?include_docs=true", as: "admin", json: keys)
            let adminRows = try admin.json["rows"]?.arrayValue ?? []
            let rows = try answer.json["rows"]?.arrayValue ?? []
            #expect(rows.count == 5)
            #expect(rows[0] == ["key": "P3", "error": "forbidden"])
            #expect(rows[1] == adminRows[1])
            #expect(rows[2] == ["key": "nothing", "error": "forbidden"])
            #expect(rows[3] == adminRows[3])
            #expect(rows[4] == ["key": "R5", "error": "forbidden"])
            #expect(try answer.json["total_rows"] == .int(Int64(CHTAccessServer.chw1IDs.count)))

            // The same keys in the query string, without bodies.
            let query = "keys=%5B%22P1%22%2C%22P3%22%5D"
            let get = try await server.request("GET", "/medic/_all_docs?\(query)", as: "chw2")
            let getRows = try get.json["rows"]?.arrayValue ?? []
            #expect(getRows.first == ["key": "P1", "error": "forbidden"])
            #expect(getRows.last?["id"] == "P3")
            #expect(getRows.last?["value"]?["rev"] == .string(try await server.rev("P3")))
        }
    }

    @Test func allDocsListsOnlyTheUsersDocumentsWithPagingAmongThem() async throws {
        try await withServer { server in
            let all = try await server.request("GET", "/medic/_all_docs", as: "chw1")
            #expect(all.status == 200)
            let listed = ids(try all.json["rows"])
            // Code-point order, as CouchDB lists ids.
            #expect(
                listed
                    == CHTAccessServer.chw1IDs.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            )
            #expect(try all.json["total_rows"] == .int(Int64(CHTAccessServer.chw1IDs.count)))

            // P1, P2, P4 are chw1's among P1...P4 and M; skip one, take one.
            let page = try await server.request(
                "GET",
                "/medic/_all_docs?startkey=%22P%22&endkey=%22Q%22&skip=1&limit=1"
                    + "&include_docs=true", as: "chw1")
            let rows = try page.json["rows"]?.arrayValue ?? []
            #expect(ids(.array(rows)) == ["P2"])
            #expect(rows.first?["doc"] == (try await server.adminJSON("/medic/P2")))
            #expect(try page.json["offset"] == 1)

            let theirs = try await server.request(
                "GET", "/medic/_all_docs?startkey=%22M%22&endkey=%22Q%22", as: "chw2")
            #expect(ids(try theirs.json["rows"]) == ["M", "P3"])
        }
    }

    @Test func changesHoldOnlyAllowedDocumentsAlsoAfterAContactMovesAway() async throws {
        try await withServer { server in
            let first = try await server.request("GET", "/medic/_changes", as: "chw1")
            #expect(first.status == 200)
            #expect(Set(ids(try first.json["results"])) == CHTAccessServer.chw1IDs)
            let since = try first.json["last_seq"] ?? .null
            let chw2First = try await server.request("GET", "/medic/_changes", as: "chw2")
            #expect(Set(ids(try chw2First.json["results"])) == CHTAccessServer.chw2IDs)
            let chw2Since = try chw2First.json["last_seq"] ?? .null

            // The admin moves P2 from H1 (HC1) to H2 (HC2); R8 is about P2.
            var p2 = try await server.adminJSON("/medic/P2")
            p2["parent"] = Hierarchy.lineage("H2", "HC2", "D1")
            #expect(
                try await server.request("PUT", "/medic/P2", as: "admin", json: p2).status == 201)

            let later = try await server.request(
                "GET", "/medic/_changes?since=\(since.serialized())", as: "chw1")
            #expect(try later.json["results"] == [])
            let again = try await server.request("GET", "/medic/_changes", as: "chw1")
            let expected = CHTAccessServer.chw1IDs.subtracting(["P2", "R8"])
            #expect(Set(ids(try again.json["results"])) == expected)

            let chw2Later = try await server.request(
                "GET", "/medic/_changes?since=\(chw2Since.serialized())", as: "chw2")
            #expect(ids(try chw2Later.json["results"]) == ["P2"])
            let chw2Again = try await server.request("GET", "/medic/_changes", as: "chw2")
            #expect(
                Set(ids(try chw2Again.json["results"]))
                    == CHTAccessServer.chw2IDs.union(["P2", "R8"]))
        }
    }

    @Test func aLongPollAnswersOnlyTheUsersOwnChanges() async throws {
        try await withServer { server in
            let first = try await server.request("GET", "/medic/_changes", as: "chw1")
            let since = try (first.json["last_seq"] ?? .null).serialized()
            for id in ["P3", "P1"] {
                var doc = try await server.adminJSON("/medic/\(id)")
                doc["name"] = "edited"
                _ = try await server.request("PUT", "/medic/\(id)", as: "admin", json: doc)
            }
            let poll = try await server.request(
                "GET", "/medic/_changes?feed=longpoll&timeout=300&since=\(since)", as: "chw1")
            #expect(poll.status == 200)
            #expect(ids(try poll.json["results"]) == ["P1"])
            let next = try (poll.json["last_seq"] ?? .null).serialized()
            // Only chw2's P3 changes now: the poll times out empty.
            var p3 = try await server.adminJSON("/medic/P3")
            p3["name"] = "edited again"
            _ = try await server.request("PUT", "/medic/P3", as: "admin", json: p3)
            let quiet = try await server.request(
                "GET", "/medic/_changes?feed=longpoll&timeout=300&since=\(next)", as: "chw1")
            #expect(quiet.status == 200)
            #expect(try quiet.json["results"] == [])
        }
    }

    @Test func changesLimitAndDocIDsCountOnlyAllowedDocuments() async throws {
        try await withServer { server in
            let limited = try await server.request(
                "GET", "/medic/_changes?limit=3&include_docs=true", as: "chw2")
            let results = try limited.json["results"]?.arrayValue ?? []
            #expect(results.count == 3)
            for change in results {
                let id = try #require(change["id"]?.stringValue)
                #expect(CHTAccessServer.chw2IDs.contains(id))
                #expect(change["doc"] == (try await server.adminJSON("/medic/\(id)")))
            }
            let filtered = try await server.request(
                "POST", "/medic/_changes?filter=_doc_ids", as: "chw1",
                json: ["doc_ids": ["P1", "P3", "R5", "R1"]])
            #expect(ids(try filtered.json["results"]) == ["P1", "R1"])
        }
    }

    @Test func bulkDocsAnswersForbiddenPerRefusedDocument() async throws {
        try await withServer { server in
            let body: JSON = [
                "docs": [
                    Hierarchy.report("R-ok", by: Hierarchy.byCHW1, fields: ["patient_uuid": "P1"]),
                    Hierarchy.report("R-bad", by: Hierarchy.byCHW1, fields: ["patient_uuid": "P3"]),
                ]
            ]
            let answer = try await server.request(
                "POST", "/medic/_bulk_docs", as: "chw1", json: body)
            #expect(answer.status == 201)
            let rows = try answer.json.arrayValue ?? []
            #expect(rows.count == 2)
            #expect(rows.first?["id"] == "R-ok")
            #expect(rows.first?["ok"] == true)
            #expect(
                rows.last == [
                    "id": "R-bad", "error": "forbidden", "reason": "Insufficient privileges",
                ])
        }
    }
}
