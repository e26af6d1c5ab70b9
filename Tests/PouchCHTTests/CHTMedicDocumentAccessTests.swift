import Foundation
import Pouch
import Testing

@testable import PouchCHT

/// Single-document endpoints of `medic` for offline users of two
/// facilities, against CHT's `db-doc` answers: the document when allowed,
/// 403 `Insufficient privileges` otherwise (also for ids that do not
/// exist, so existence does not leak).
@Suite struct CHTMedicDocumentAccessTests {
    func withServer(_ body: (CHTAccessServer) async throws -> Void) async throws {
        let server = try await CHTAccessServer.start()
        defer { server.stop() }
        try await body(server)
    }

    @Test func getAnswersOnlyTheUsersOwnFacility() async throws {
        try await withServer { server in
            for (user, id) in [("chw1", "P1"), ("chw1", "R1"), ("chw2", "P3"), ("chw2", "M")] {
                let answer = try await server.request("GET", "/medic/\(id)", as: user)
                #expect(answer.status == 200)
                #expect(try answer.json == (try await server.adminJSON("/medic/\(id)")))
            }
            for (user, id) in [("chw1", "P3"), ("chw1", "R5"), ("chw2", "P1"), ("chw2", "R1")] {
                let answer = try await server.request("GET", "/medic/\(id)", as: user)
                #expect(answer.status == 403)
                #expect(try answer.json == insufficientPrivileges)
            }
            // An id that names nothing is refused the same way.
            let missing = try await server.request("GET", "/medic/nothing-here", as: "chw1")
            #expect(missing.status == 403)
            #expect(try missing.json == insufficientPrivileges)
        }
    }

    @Test func sharedDocumentsAndOwnSettingsAreReadableButNotOthersSettings() async throws {
        try await withServer { server in
            for id in [
                "settings", "form:pregnancy", "_design/medic-client", "org.couchdb.user:chw1",
            ] {
                let answer = try await server.request("GET", "/medic/\(id)", as: "chw1")
                #expect(answer.status == 200, "\(id)")
            }
            let other = try await server.request("GET", "/medic/org.couchdb.user:chw2", as: "chw1")
            #expect(other.status == 403)
            #expect(try other.json == insufficientPrivileges)
            let design = try await server.request("GET", "/medic/_design/other", as: "chw1")
            #expect(design.status == 403)
        }
    }

    @Test func onlineUsersAndAdminsReadEverything() async throws {
        try await withServer { server in
            for user in ["manager", "admin"] {
                for id in ["P1", "P3", "org.couchdb.user:chw2"] {
                    #expect(try await server.request("GET", "/medic/\(id)", as: user).status == 200)
                }
            }
            // A missing document is CouchDB's 404 for them.
            let missing = try await server.request("GET", "/medic/nothing-here", as: "manager")
            #expect(missing.status == 404)
            #expect(try missing.json == ["error": "not_found", "reason": "missing"])
        }
    }

    @Test func anonymousRequestsAreUnauthorized() async throws {
        try await withServer { server in
            let answer = try await server.request("GET", "/medic/P1", as: nil)
            #expect(answer.status == 401)
            #expect(
                try answer.json
                    == [
                        "error": "unauthorized",
                        "reason": "You are not authorized to access this db.",
                    ])
        }
    }

    @Test func putIsAllowedInsideTheFacilityOnly() async throws {
        try await withServer { server in
            var p1 = try await server.adminJSON("/medic/P1")
            p1["name"] = "P1 renamed"
            let own = try await server.request("PUT", "/medic/P1", as: "chw1", json: p1)
            #expect(own.status == 201)
            #expect(try await server.cht.service.medic.get("P1")["name"] == "P1 renamed")

            let p3Before = try await server.adminJSON("/medic/P3")
            var p3 = p3Before
            p3["name"] = "taken over"
            let foreign = try await server.request("PUT", "/medic/P3", as: "chw1", json: p3)
            #expect(foreign.status == 403)
            #expect(try foreign.json == insufficientPrivileges)
            #expect(try await server.adminJSON("/medic/P3") == p3Before)

            // A new person under HC2 is outside chw1's facility; under H1 it is not.
            let away = Hierarchy.person("NEW2", Hierarchy.lineage("H2", "HC2", "D1"))
            let refused = try await server.request("PUT", "/medic/NEW2", as: "chw1", json: away)
            #expect(refused.status == 403)
            #expect(try refused.json == insufficientPrivileges)
            let home = Hierarchy.person("NEW1", Hierarchy.lineage("H1", "HC1", "D1"))
            let stored = try await server.request("PUT", "/medic/NEW1", as: "chw1", json: home)
            #expect(stored.status == 201)
            #expect(try stored.json["id"] == "NEW1")
        }
    }

    @Test func settingsAndFormsAreAnAdministratorsToChange() async throws {
        try await withServer { server in
            var settings = try await server.adminJSON("/medic/settings")
            settings["settings"] = ["changed": true]
            let put = try await server.request("PUT", "/medic/settings", as: "chw1", json: settings)
            #expect(put.status == 403)
            #expect(try put.json == insufficientPrivileges)
            let rev = try await server.rev("form:pregnancy")
            let delete = try await server.request(
                "DELETE", "/medic/form:pregnancy?rev=\(rev)", as: "chw1")
            #expect(delete.status == 403)
            #expect(try delete.json == insufficientPrivileges)
        }
    }

    @Test func postJudgesTheNewDocument() async throws {
        try await withServer { server in
            let aboutP1 = Hierarchy.report("", by: Hierarchy.byCHW1, fields: ["patient_uuid": "P1"])
            var body = aboutP1
            body["_id"] = nil
            let own = try await server.request("POST", "/medic", as: "chw1", json: body)
            #expect(own.status == 201)
            let id = try #require(try own.json["id"]?.stringValue)
            #expect(id.count == 32)
            #expect(try await server.cht.service.medic.get(id)["fields"]?["patient_uuid"] == "P1")

            body["fields"] = ["patient_uuid": "P3"]
            let foreign = try await server.request("POST", "/medic", as: "chw1", json: body)
            #expect(foreign.status == 403)
            #expect(try foreign.json == insufficientPrivileges)
            // Feedback is always accepted, as in CHT.
            let feedback: JSON = ["type": "feedback", "info": ["message": "hi"]]
            let accepted = try await server.request("POST", "/medic", as: "chw2", json: feedback)
            #expect(accepted.status == 201)
        }
    }

    @Test func deleteFollowsTheStoredDocument() async throws {
        try await withServer { server in
            let p3 = try await server.rev("P3")
            let foreign = try await server.request("DELETE", "/medic/P3?rev=\(p3)", as: "chw1")
            #expect(foreign.status == 403)
            #expect(try foreign.json == insufficientPrivileges)
            #expect(try await server.cht.service.medic.get("P3")["_rev"] == .string(p3))

            let p2 = try await server.rev("P2")
            let own = try await server.request("DELETE", "/medic/P2?rev=\(p2)", as: "chw1")
            #expect(own.status == 200)
            #expect(try own.json["ok"] == true)
            // Gone, it is no longer the user's to read.
            let after = try await server.request("GET", "/medic/P2", as: "chw1")
            #expect(after.status == 403)
        }
    }

    @Test func attachmentsFollowTheirDocument() async throws {
        try await withServer { server in
            for id in ["P1", "P3"] {
                let rev = try await server.rev(id)
                let put = try await server.request(
                    "PUT", "/medic/\(id)/note.txt?rev=\(rev)", as: "admin",
                    raw: Array("note on \(id)".utf8), contentType: "text/plain")
                #expect(put.status == 201)
            }
            let own = try await server.request("GET", "/medic/P1/note.txt", as: "chw1")
            #expect(own.status == 200)
            #expect(own.text == "note on P1")
            let foreign = try await server.request("GET", "/medic/P3/note.txt", as: "chw1")
            #expect(foreign.status == 403)
            #expect(try foreign.json == insufficientPrivileges)

            let p3 = try await server.rev("P3")
            let write = try await server.request(
                "PUT", "/medic/P3/more.txt?rev=\(p3)", as: "chw1", raw: Array("x".utf8),
                contentType: "text/plain")
            #expect(write.status == 403)
            #expect(try write.json == insufficientPrivileges)
            let remove = try await server.request(
                "DELETE", "/medic/P3/note.txt?rev=\(p3)", as: "chw1")
            #expect(remove.status == 403)

            let p1 = try await server.rev("P1")
            let ownWrite = try await server.request(
                "PUT", "/medic/P1/more.txt?rev=\(p1)", as: "chw1", raw: Array("y".utf8),
                contentType: "text/plain")
            #expect(ownWrite.status == 201)
            // An attachment cannot create a document the user may not hold.
            let create = try await server.request(
                "PUT", "/medic/NEWDOC/a.txt", as: "chw1", raw: Array("z".utf8),
                contentType: "text/plain")
            #expect(create.status == 403)
        }
    }
}
